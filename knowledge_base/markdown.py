"""Markdown to safe HTML for articles.

`markdown` with a fixed set of extensions (table of contents, tables, fenced code, admonitions)
produces HTML; nh3 then keeps only an allow-list of tags and attributes. Raw HTML written in
the Markdown, event handlers, `style`, iframes and `javascript:` URLs never reach the page.
"""

import hashlib
import html as html_lib
import threading
from dataclasses import dataclass
from importlib.metadata import version

import markdown as md
import nh3

EXTENSIONS = [
    "markdown.extensions.toc",
    "markdown.extensions.tables",
    "markdown.extensions.admonition",
    "markdown.extensions.sane_lists",
    "markdown.extensions.def_list",
    "pymdownx.highlight",
    "pymdownx.superfences",
    "pymdownx.details",
    "pymdownx.tilde",
    "pymdownx.tasklist",
]
EXTENSION_CONFIGS = {
    "markdown.extensions.toc": {"toc_depth": "2-4", "permalink": False},
    # No Pygments: plain <code class="language-x"> (no inline styles, CSP-friendly).
    "pymdownx.highlight": {"use_pygments": False},
    "pymdownx.superfences": {"disable_indented_code_blocks": False},
}

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "input": {"type", "checked", "disabled"},
    "td": {"align"},
    "th": {"align"},
}
# Classes the extensions emit; anything else a writer types in raw HTML is dropped.
ALLOWED_CLASSES = {
    "div": {
        "admonition",
        "note",
        "tip",
        "hint",
        "important",
        "warning",
        "caution",
        "danger",
        "error",
        "attention",
        "info",
        "toc",
    },
    "p": {"admonition-title"},
    "details": {"note", "tip", "warning", "danger", "info"},
    "code": {
        f"language-{lang}"
        for lang in (
            "bash",
            "sh",
            "shell",
            "python",
            "sql",
            "json",
            "yaml",
            "xml",
            "text",
            "ini",
            "powershell",
            "java",
            "javascript",
            "http",
            "console",
        )
    },
    "pre": {"highlight"},
    "li": {"task-list-item"},
    "ul": {"task-list"},
    "input": set(),
}
URL_SCHEMES = {"http", "https", "mailto"}

# Names the renderer's output in cache keys (cache.render_markdown_cached): it changes with the
# configuration above or an upgraded library. Bump RENDER_REVISION when code below changes
# what render_markdown returns.
RENDER_REVISION = 1
RENDERER_VERSION = hashlib.sha256(
    repr(
        (
            RENDER_REVISION,
            EXTENSIONS,
            sorted(EXTENSION_CONFIGS.items()),
            sorted(ALLOWED_TAGS),
            sorted((tag, sorted(attrs)) for tag, attrs in ALLOWED_ATTRIBUTES.items()),
            sorted((tag, sorted(classes)) for tag, classes in ALLOWED_CLASSES.items()),
            sorted(URL_SCHEMES),
            [version(dist) for dist in ("markdown", "pymdown-extensions", "nh3")],
        )
    ).encode()
).hexdigest()[:12]


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    toc: list[dict]


def _toc_entries(tokens: list[dict]) -> list[dict]:
    entries = []
    for token in tokens:
        entries.append(
            {
                "id": token["id"],
                "name": token["name"],
                "level": token["level"],
                "children": _toc_entries(token.get("children", [])),
            }
        )
    return entries


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_converters = threading.local()


def _converter() -> md.Markdown:
    """One converter per thread, reset before each use: building one (registering ten
    extensions) costs more than converting a typical article."""
    converter = getattr(_converters, "converter", None)
    if converter is None:
        converter = md.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
        _converters.converter = converter
    return converter.reset()


def render_markdown(text: str) -> RenderedMarkdown:
    """Markdown source to sanitised HTML plus its table of contents (list of nested dicts
    with id, name, level, children)."""
    converter = _converter()
    raw = converter.convert((text or "").replace("\x00", ""))
    toc = _toc_entries(getattr(converter, "toc_tokens", []))
    return RenderedMarkdown(html=sanitise_html(raw), toc=toc)


def markdown_to_text(text: str) -> str:
    """Plain text of an article (stored as ArticlePage.body_text for search snippets):
    rendered, then every tag removed. Removing every tag is a stricter clean than
    sanitise_html, so that pass is skipped."""
    html = _converter().convert((text or "").replace("\x00", ""))
    return " ".join(html_lib.unescape(nh3.clean(html, tags=set())).split())
