"""No resident ID or mobile number reaches an audit row in clear, whatever a caller passes."""

import pytest

from audit.models import Action, AuditEvent
from audit.redact import redact, redact_value
from audit.services import audit_log
from tests.factories import valid_resident_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("230102199001011234", "2301**********1234"),
        ("身份证23010219900101123X.pdf", "身份证2301**********123X.pdf"),
        ("手机 13812345678。", "手机 138****5678。"),
        ("HLJ-ZC1-2026-00001", "HLJ-ZC1-2026-00001"),
        ("SQ00000012", "SQ00000012"),
        ("a" + "1" * 18 + "b", "a" + "1" * 18 + "b"),  # inside a longer token: not a number on its own
        ("91230100MA1B2C3D4E", "91230100MA1B2C3D4E"),  # a credit code is not personal data
    ],
)
def test_numbers_are_masked_and_other_identifiers_kept(text, expected):
    assert redact(text) == expected


def test_every_string_of_a_detail_is_redacted_keys_included():
    number = valid_resident_id()
    detail = {"reason": f"为 {number} 更正", "nested": [{"phone": 13912345678}], number: True, "count": 3}
    redacted = redact_value(detail)
    assert number not in str(redacted)
    assert "13912345678" not in str(redacted)
    assert redacted["count"] == 3


def test_audit_log_stores_labels_and_details_redacted():
    number = valid_resident_id()
    event = audit_log(
        action=Action.DOWNLOADED, target_label=f"{number}.pdf", detail={"reason": f"误录 {number}"}
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert number not in stored.target_label
    assert number not in str(stored.detail)
    assert stored.target_label.endswith(".pdf")
