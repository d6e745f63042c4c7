"""The Chinese catalogue is complete: every source string translated, nothing fuzzy, the .mo current.

`test_catalogue_holds_every_string_in_the_code` re-extracts the strings with Django's makemessages into a
temporary copy of the catalogue (needs gettext's xgettext), so a string added to the code but not to the
catalogue fails the suite, not only a string left untranslated in it.
"""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(catalogue) -> dict[tuple[str | None, str], str]:
    return {(e.msgctxt, e.msgid): e.msgstr for e in catalogue if not e.obsolete}


def _problems(po: polib.POFile) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        label = entry.msgid[:70]
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {label}")
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                problems.append(f"untranslated plural: {label}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {label}")
    return problems


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert not po.metadata_is_fuzzy, "the catalogue header is marked fuzzy"
    assert _problems(po) == []


def test_compiled_catalogue_matches_the_source():
    """The .mo Django reads at run time holds exactly what the .po says (run `make messages`)."""
    po_entries = {k: v for k, v in _entries(polib.pofile(str(PO))).items() if k[1]}
    mo_entries = {k: v for k, v in _entries(polib.mofile(str(MO))).items() if k[1]}
    assert mo_entries == po_entries


def test_catalogue_holds_every_string_in_the_code(tmp_path, settings):
    if shutil.which("xgettext") is None:
        reason = "needs gettext (xgettext) to extract strings: apt-get install gettext"
        if os.environ.get("REQUIRE_GETTEXT", "") in {"1", "true", "yes"}:
            pytest.fail(f"REQUIRE_GETTEXT=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    # makemessages files each string under the locale directory nearest to its source file, so it runs on
    # a copy of the source tree: the committed catalogue is never touched.
    tree = tmp_path / "tree"
    shutil.copytree(
        settings.BASE_DIR,
        tree,
        ignore=shutil.ignore_patterns(".*", "var", "test-artifacts", "tests", "__pycache__", "*.sqlite3*"),
    )
    settings.LOCALE_PATHS = [tree / "locale"]
    cwd = Path.cwd()
    os.chdir(tree)
    try:
        call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    extracted = polib.pofile(str(tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert _problems(extracted) == [], (
        "strings in the code are missing from the catalogue: run `make messages`"
    )
