import re
import subprocess
from pathlib import Path

from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
SPANISH_CORE_CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"


def _strings(quoted_lines: str) -> str:
    return "".join(re.findall(r'"(.*)"', quoted_lines))


def po_entries(po: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, translations, fuzzy) of each entry of a .po file, header excluded."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.MULTILINE)
        if not msgid or not _strings(msgid.group(1)):
            continue
        translations = [
            _strings(m)
            for m in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.MULTILINE)
        ]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        entries.append((_strings(msgid.group(1)), translations, fuzzy))
    return entries


def test_root_spanish_catalogue_is_complete():
    entries = po_entries(SPANISH_CORE_CATALOGUE)
    assert len(entries) > 40
    untranslated = [msgid for msgid, translations, _f in entries if not all(translations)]
    fuzzy = [msgid for msgid, _t, is_fuzzy in entries if is_fuzzy]
    assert untranslated == [], f"Untranslated in {SPANISH_CORE_CATALOGUE}: {untranslated}"
    assert fuzzy == [], f"Fuzzy in {SPANISH_CORE_CATALOGUE}: {fuzzy}"


def test_catalogue_compiles_and_translates_the_shell():
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(SPANISH_CORE_CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with translation.override("es"):
        assert translation.gettext("Skip to main content") == "Saltar al contenido principal"
    with translation.override("en"):
        assert translation.gettext("Skip to main content") == "Skip to main content"
