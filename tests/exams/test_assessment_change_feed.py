"""The assessment certificates' change feed: issued and revoked, written by the exams services in the
same transaction, only for certificates issued here; paged by keyset in constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import AssessmentCertificateChange
from exams.selectors import assessment_changes_after
from exams.services import assessment_certificate_revoke, certificates_issue
from tests.factories import AssessmentResultFactory, RecognisedCertificateFactory

pytestmark = pytest.mark.django_db


def _feed():
    return list(AssessmentCertificateChange.objects.values_list("sequence", "certificate__number", "kind"))


def test_issuing_appends_one_change_per_certificate_and_revoking_one_more(training_centre_user):
    results = [AssessmentResultFactory(), AssessmentResultFactory(), AssessmentResultFactory(failed=True)]
    outcome = certificates_issue(results=results, by=training_centre_user)
    first, second = outcome.certificates
    assessment_certificate_revoke(certificate=first, reason="考核材料造假", by=training_centre_user)
    assessment_certificate_revoke(certificate=first, reason="again", by=training_centre_user)  # no-op
    assert _feed() == [
        (1, first.number, "issued"),
        (2, second.number, "issued"),
        (3, first.number, "revoked"),
    ]


def test_revoking_a_recognised_certificate_is_not_in_our_feed(association_user):
    recognised = RecognisedCertificateFactory(checked=True)
    assessment_certificate_revoke(certificate=recognised, reason="原发证机关已撤销", by=association_user)
    assert _feed() == []


def test_rows_mask_the_resident_id_and_cost_two_queries_at_any_size(training_centre_user):
    results = [AssessmentResultFactory() for _ in range(12)]
    certificates = certificates_issue(results=results, by=training_centre_user).certificates
    assessment_certificate_revoke(certificate=certificates[0], reason="考核材料造假", by=training_centre_user)

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(assessment_changes_after(after=0, limit=limit)) == limit
        return len(captured)

    assert queries(2) == queries(13) == 2
    row = assessment_changes_after(after=12, limit=5)[0]
    person = certificates[0].person
    assert (row["sequence"], row["kind"], row["state"], row["number"]) == (
        13,
        "revoked",
        "revoked",
        certificates[0].number,
    )
    assert row["holder_id_number_masked"] == f"{person.id_number[:4]}{'*' * 10}{person.id_number[-4:]}"
    assert person.id_number not in str(row.values())
    assert row["project_codes"] == [results[0].project.code]
