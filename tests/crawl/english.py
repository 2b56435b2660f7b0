"""English left on Spanish pages: visible text equal to an English msgid that the running
Spanish catalogue (Django's merged one: Django, Wagtail, allauth, the project) does not translate.

The msgids come from the catalogues' source files (each package's `en` django.po, or any
locale's when a package ships no `en`); the translations from `trans_real.translation("es")`,
so a project catalogue that completes Wagtail's counts as soon as it is compiled.
"""

import functools
import json
import re
from pathlib import Path

import django
import lxml.html
from django.conf import settings
from django.utils.translation import trans_real

# Text inside these is user content or code, never an interface string.
SKIPPED_TAGS = {"script", "style", "template", "code", "pre", "textarea", "noscript", "svg"}
CHECKED_ATTRIBUTES = ("title", "aria-label", "placeholder")
# English msgids that are also Spanish words or names (the page is right to show them).
VALID_SPANISH = {
    "No",
    "Total",
    "Error",
    "Email",
    "E-mail",
    "Local",
    "Normal",
    "Original",
    "Final",
    "General",
    "Popular",
    "Regular",
    "Global",
    "Personal",
    "Menu",
    "PDF",
    "CSV",
    "XLSX",
    "JSON",
    "URL",
    "ID",
    "OK",
    "Wagtail",
    "Django",
    "SAML",
    "OpenID Connect",
    "TOTP",
    "WebAuthn",
    "Markdown",
    "Slug",
    "Tags",
}
_PLACEHOLDER = re.compile(r"%(\(\w+\))?[sdif]|\{\w*\}")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _po_files() -> list[Path]:
    site = Path(django.__file__).resolve().parent.parent
    base = Path(settings.BASE_DIR)
    roots = [site / "django", site / "wagtail", site / "allauth", site / "wagtailmedia"]
    roots += [base / app.split(".")[0] for app in settings.INSTALLED_APPS if "." not in app]
    locale_dirs = [base / "locale"]
    for root in roots:
        locale_dirs += root.rglob("locale")
    files = []
    for locale_dir in locale_dirs:
        english = locale_dir / "en" / "LC_MESSAGES" / "django.po"
        spanish = locale_dir / "es" / "LC_MESSAGES" / "django.po"
        if english.exists():
            files.append(english)
        elif spanish.exists():
            files.append(spanish)
    return files


def _unquote(line: str) -> str:
    return json.loads(line) if line.startswith('"') else ""


def parse_po(path: Path) -> list[tuple[str, str, bool]]:
    """(context, msgid, is_plural) of every entry, parsed without polib."""
    entries = []
    context, msgid, plural, field = "", None, False, None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if line.startswith("#~") or (line.startswith("#") and not line.startswith("#,")):
            continue
        if not line:
            if msgid:
                entries.append((context, msgid, plural))
            context, msgid, plural, field = "", None, False, None
            continue
        if line.startswith("msgctxt "):
            if msgid:
                entries.append((context, msgid, plural))
                msgid, plural = None, False
            context, field = _unquote(line[8:]), "ctx"
        elif line.startswith("msgid_plural "):
            plural, field = True, "plural"
        elif line.startswith("msgid "):
            msgid, field = _unquote(line[6:]), "id"
        elif line.startswith("msgstr"):
            field = "str"
        elif line.startswith('"'):
            if field == "id":
                msgid += _unquote(line)
            elif field == "ctx":
                context += _unquote(line)
    if msgid:
        entries.append((context, msgid, plural))
    return entries


def _normalise(text: str) -> str:
    return " ".join(text.split())


@functools.cache
def untranslated() -> frozenset[str]:
    """English msgids, as shown on a page, that Spanish does not translate."""
    catalog = trans_real.translation("es")._catalog
    spanish_texts = {_normalise(str(value)) for _key, value in catalog.items()}
    found = set()
    for path in _po_files():
        for context, msgid, plural in parse_po(path):
            key = f"{context}\x04{msgid}" if context else msgid
            translated = (key, 0) in catalog if plural else key in catalog
            text = _normalise(msgid)
            if (
                translated
                or not _WORD.search(text)
                or _PLACEHOLDER.search(text)
                or text in VALID_SPANISH
                or text in spanish_texts
            ):
                continue
            found.add(text)
    return frozenset(found)


def _texts(element, skipped: bool):
    """(kind, text) of every visible text node and checked attribute."""
    tag = element.tag if isinstance(element.tag, str) else ""
    lang = element.get("lang") if tag else None
    skipped = skipped or tag in SKIPPED_TAGS or bool(lang and not lang.startswith("es"))
    if tag and not skipped:
        if element.get("hidden") is None and element.text:
            yield "text", element.text
        for attribute in CHECKED_ATTRIBUTES:
            if element.get(attribute):
                yield attribute, element.get(attribute)
        button = tag in {"input", "button"} and element.get("type") in {"submit", "button", "reset"}
        if button and element.get("value"):
            yield "value", element.get("value")
    for child in element:
        yield from _texts(child, skipped)
        if child.tail and not skipped:
            yield "text", child.tail


def sidebar_labels(document) -> list[str]:
    """The labels of the Wagtail admin's sidebar menu (rendered by JavaScript from JSON)."""
    labels = []

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "label" and isinstance(item, str):
                    labels.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for script in document.xpath('//script[@id="wagtail-sidebar-props"]'):
        walk(json.loads(script.text or "null"))
    return labels


def english_on(document) -> set[str]:
    """Untranslated English strings shown on a Spanish page (empty if the page is not Spanish)."""
    html = document.getroottree().getroot()
    if not (html.get("lang") or "es").startswith("es"):
        return set()
    known = untranslated()
    shown = {_normalise(text) for _kind, text in _texts(html, False)}
    shown.update(_normalise(label) for label in sidebar_labels(document))
    return {text for text in shown if text in known}


def parse(content: bytes):
    return lxml.html.document_fromstring(content)
