"""One English word, several meanings: each is translated in its context (issue 18, admin).

"kind" was 证书类型 on the calendar-day form, the materials column and the application type alike. Each
meaning now has its own context (pgettext) and its own Chinese; no two of them share one translation,
and none is left in English.
"""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from exams.models import RecognisedCertificate
from registry.forms import MaterialAttachForm
from registry.models import Application, DecisionDocument, Material
from workdays.models import CalendarDay

PO = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
KIND_CONTEXTS = ("calendar day", "application", "material", "written decision", "recognised certificate")


def _labels() -> dict[str, str]:
    return {
        "calendar day": str(CalendarDay._meta.get_field("kind").verbose_name),
        "application": str(Application._meta.get_field("kind").verbose_name),
        "material": str(Material._meta.get_field("kind").verbose_name),
        "written decision": str(DecisionDocument._meta.get_field("kind").verbose_name),
        "recognised certificate": str(RecognisedCertificate._meta.get_field("kind").verbose_name),
    }


def test_each_kind_of_kind_has_its_own_chinese():
    with translation.override("zh-hans"):
        labels = _labels()
        attach = str(MaterialAttachForm().fields["kind"].label)
    assert len(set(labels.values())) == len(labels), labels
    assert all(label.lower() != "kind" for label in labels.values()), labels
    assert attach == labels["material"]
    assert labels["calendar day"] != "证书类型"
    assert labels["material"] != "证书类型"


def test_the_catalogue_gives_no_two_meanings_of_kind_one_translation():
    entries = [e for e in polib.pofile(str(PO)) if e.msgid.lower() == "kind" and not e.obsolete]
    by_context = {e.msgctxt: e.msgstr for e in entries if e.msgctxt in KIND_CONTEXTS and e.msgid == "kind"}
    assert set(by_context) == set(KIND_CONTEXTS)
    assert len(set(by_context.values())) == len(by_context), by_context


@pytest.mark.parametrize("context", KIND_CONTEXTS)
def test_the_english_interface_still_says_kind(context):
    with translation.override("en"):
        assert str(_labels()[context]) == "kind"
