"""List the messages an installed app ships without Spanish, and what the project still lacks.

Wagtail's Spanish covers about three quarters of its admin; allauth, wagtailmedia and others
have holes of their own. Django merges every catalogue it finds, so the project completes them
from ``locale_overrides/`` (first in ``LOCALE_PATHS``). This command finds the holes: for each
installed app (and Django itself) and each domain (``django``, ``djangojs``), a message is a gap
when the ``es`` catalogue has it untranslated or fuzzy, or lacks it while the English source
catalogue has it. ``--missing`` prints only the gaps the project catalogue does not fill yet;
``--po`` writes them as a .po skeleton to translate.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DOMAINS = ("django", "djangojs")
SPANISH = "es"
SOURCE_LANGUAGES = ("en",)


@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False
    flags: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr)


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


def _unquote(literal: str) -> str:
    return ast.literal_eval(literal)


def parse_po(path: Path) -> dict[tuple[str | None, str], Entry]:
    """Entries of a .po file by (msgctxt, msgid); header and obsolete (#~) entries left out."""
    entries: dict[tuple[str | None, str], Entry] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        flags: list[str] = []
        current = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
                continue
            if not line or line.startswith("#"):
                continue
            match = _KEYWORD.match(line)
            if match:
                current = match.group(1)
                fields[current] = _unquote(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += _unquote(line)
        if not fields.get("msgid"):
            continue
        plural_forms = sorted(
            (int(name[7:-1]), value) for name, value in fields.items() if name.startswith("msgstr[")
        )
        entry = Entry(
            msgid=fields["msgid"],
            msgid_plural=fields.get("msgid_plural", ""),
            msgctxt=fields.get("msgctxt"),
            msgstr=[value for _n, value in plural_forms] or [fields.get("msgstr", "")],
            fuzzy="fuzzy" in flags,
            flags=[flag for flag in flags if flag != "fuzzy"],
        )
        entries[entry.key] = entry
    return entries


def installed_locale_dirs() -> list[tuple[str, Path]]:
    """(label, locale dir) of Django and of each installed app that ships translations."""
    dirs = [("django", Path(django.__file__).parent / "conf" / "locale")]
    project = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        locale = Path(config.path).resolve() / "locale"
        installed = "site-packages" in locale.parts or project not in locale.parents
        if locale.is_dir() and installed:  # the project's own apps keep their catalogues
            dirs.append((config.name, locale))
    return dirs


def package_gaps() -> dict[tuple[str, str], list[Entry]]:
    """Untranslated Spanish messages per (app label, domain)."""
    gaps: dict[tuple[str, str], list[Entry]] = {}
    for label, locale in installed_locale_dirs():
        for domain in DOMAINS:
            spanish_po = locale / SPANISH / "LC_MESSAGES" / f"{domain}.po"
            spanish = parse_po(spanish_po) if spanish_po.exists() else {}
            source: dict[tuple[str | None, str], Entry] = {}
            for language in SOURCE_LANGUAGES:
                source_po = locale / language / "LC_MESSAGES" / f"{domain}.po"
                if source_po.exists():
                    source.update(parse_po(source_po))
            missing = [entry for entry in spanish.values() if not entry.translated]
            missing += [entry for key, entry in source.items() if key not in spanish]
            if missing:
                gaps[(label, domain)] = missing
    return gaps


def overrides_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def project_catalogue(domain: str) -> dict[tuple[str | None, str], Entry]:
    po = overrides_dir() / SPANISH / "LC_MESSAGES" / f"{domain}.po"
    return parse_po(po) if po.exists() else {}


def unfilled_gaps() -> dict[tuple[str, str], list[Entry]]:
    """The gaps the project's own catalogue does not translate (yet)."""
    catalogues = {domain: project_catalogue(domain) for domain in DOMAINS}
    unfilled = {}
    for (label, domain), entries in package_gaps().items():
        catalogue = catalogues[domain]
        left = [e for e in entries if not (e.key in catalogue and catalogue[e.key].translated)]
        if left:
            unfilled[(label, domain)] = left
    return unfilled


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def as_po(entries: list[Entry]) -> str:
    chunks = []
    for entry in entries:
        lines = []
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {_quote(entry.msgctxt)}")
        lines.append(f"msgid {_quote(entry.msgid)}")
        if entry.msgid_plural:
            lines.append(f"msgid_plural {_quote(entry.msgid_plural)}")
            lines += ['msgstr[0] ""', 'msgstr[1] ""']
        else:
            lines.append('msgstr ""')
        chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + "\n"


class Command(BaseCommand):
    help = "List the Spanish messages installed apps lack, and those the project does not fill."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only the gaps that the project catalogue (LOCALE_PATHS[0]) does not fill.",
        )
        parser.add_argument(
            "--po", metavar="DOMAIN", choices=DOMAINS, help="Print the gaps of one domain as .po."
        )
        parser.add_argument(
            "--fail", action="store_true", help="Exit with an error when a gap is left."
        )

    def handle(self, *args, **options):
        gaps = unfilled_gaps() if options["missing"] else package_gaps()
        if options["po"]:
            seen: dict[tuple[str | None, str], Entry] = {}
            for (_label, domain), entries in gaps.items():
                if domain == options["po"]:
                    for entry in entries:
                        seen.setdefault(entry.key, entry)
            self.stdout.write(as_po(list(seen.values())), ending="")
            return
        total = 0
        for (label, domain), entries in sorted(gaps.items()):
            total += len(entries)
            self.stdout.write(f"{label} [{domain}]: {len(entries)}")
            if options["verbosity"] > 1:
                for entry in entries:
                    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
                    self.stdout.write(f"    {context}{entry.msgid!r}")
        self.stdout.write(f"Total: {total}")
        if options["fail"] and total:
            raise CommandError(f"{total} messages without Spanish")
