"""Markdown written by trainers, rendered to safe HTML.

Markdown allows raw HTML, so the rendered output always goes through nh3 with an allow-list:
no scripts, no event handlers, no inline styles (the CSP forbids them anyway), links made safe.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

MARKDOWN_EXTENSIONS = [
    "markdown.extensions.tables",
    "markdown.extensions.sane_lists",
    "markdown.extensions.def_list",
    "markdown.extensions.abbr",
    "markdown.extensions.footnotes",
    "pymdownx.superfences",
    "pymdownx.tilde",
    "pymdownx.tasklist",
    "pymdownx.magiclink",
    "pymdownx.smartsymbols",
]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "ol", "p",
    "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "th": {"align", "scope"},
    "td": {"align"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "li": {"class", "id"},
    "sup": {"id"},
    "ol": {"start"},
}


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)
