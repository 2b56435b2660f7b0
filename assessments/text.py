"""Question texts to safe HTML: Markdown and HTML are sanitised, plain text is escaped."""

import markdown
import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan"},
}


def render_text(text: str, text_format: str) -> SafeString:
    if not text:
        return mark_safe("")
    if text_format == "markdown":
        html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    elif text_format == "html":
        html = text
    else:
        # linebreaks() returns a plain str: unmarked, the template would escape its <p> again.
        return mark_safe(linebreaks(escape(text)))
    return mark_safe(
        nh3.clean(
            html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener noreferrer"
        )
    )


def render_inline(text: str, text_format: str) -> SafeString:
    """Choice texts: same format as the stem but without the surrounding paragraph."""
    html = str(render_text(text, text_format)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)
