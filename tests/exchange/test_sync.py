"""The sync endpoints through the API: the cursor contract (every change exactly once, in order, while new
changes arrive between pages), bounded limits, opaque cursors, constant queries per page, masked IDs."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.services import assessment_certificate_revoke, certificates_issue
from exchange.endpoints.sync import cursor_decode, cursor_encode
from exchange.errors import ApiError
from exchange.models import AccessLog, Scope
from registry.models import CertificateChange, RegistrationCertificate
from registry.services import applications as services
from registry.services.certificates import certificate_revoke, certificate_suspend
from tests.factories import ApplicationFactory, AssessmentResultFactory, MetrologyProjectFactory
from tests.factories.exchange import issued_key
from tests.registry.conftest import MONDAY, at

from .conftest import bearer

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/api/v1/registrations/changes"
ASSESSMENTS = "/api/v1/assessment-certificates/changes"


@pytest.fixture
def monday():
    with time_machine.travel(at(MONDAY), tick=False):
        yield


@pytest.fixture
def sync_key():
    _key, secret = issued_key(partner__scopes=[Scope.SYNC_READ])
    return bearer(secret)


def _issue(by, n: int = 1) -> list[RegistrationCertificate]:
    out = []
    for _ in range(n):
        application = ApplicationFactory(approved=True, projects=[MetrologyProjectFactory()])
        services.application_issue(application=application, by=by)
        out.append(RegistrationCertificate.objects.get(application=application))
    return out


def _get(client, url, key, **params):
    response = client.get(url, params, **key)
    assert response.status_code == 200, response.content
    return response.json()


def test_paging_while_changes_arrive_sees_every_change_exactly_once_in_order(
    client, sync_key, monday, association_user
):
    synced_first = _issue(association_user, 7)
    seen, cursor, pages = [], "", 0
    while True:
        page = _get(client, REGISTRATIONS, sync_key, cursor=cursor, limit=3)
        seen += [(item["sequence"], item["number"], item["kind"]) for item in page["items"]]
        cursor = page["next_cursor"]
        pages += 1
        if pages == 1:  # new certificates, and a change to one the client has already synced
            _issue(association_user, 2)
            certificate_revoke(certificate=synced_first[0], by=association_user, reason="出租出借证书")
        if pages == 2:
            certificate_suspend(certificate=synced_first[5], by=association_user, reason="抽查发现挂靠")
        if not page["has_more"]:
            break
    expected = list(CertificateChange.objects.values_list("sequence", "certificate__number", "kind"))
    assert len(expected) == 11
    assert seen == expected  # all of them, once each, in sequence order
    assert (synced_first[0].number, "revoked") in [(n, k) for _, n, k in seen]
    # Nothing new: the stored cursor answers an empty page and gives itself back.
    again = _get(client, REGISTRATIONS, sync_key, cursor=cursor, limit=3)
    assert again == {"items": [], "next_cursor": cursor, "has_more": False}
    # New after the end: the stored cursor picks up exactly the new change.
    certificate_revoke(certificate=synced_first[1], by=association_user, reason="出租出借证书")
    later = _get(client, REGISTRATIONS, sync_key, cursor=cursor)
    assert [(i["number"], i["kind"]) for i in later["items"]] == [(synced_first[1].number, "revoked")]


def test_a_row_carries_the_certificate_with_the_resident_id_masked(
    client, sync_key, monday, association_user
):
    [certificate] = _issue(association_user)
    [item] = _get(client, REGISTRATIONS, sync_key)["items"]
    full = certificate.person.id_number
    assert full not in str(item)
    assert item["holder_id_number_masked"] == f"{full[:4]}{'*' * 10}{full[-4:]}"
    assert item["holder_name"] == certificate.person.name  # sync:read: the partner keeps a copy
    assert (item["number"], item["kind"], item["state"], item["level"]) == (
        certificate.number,
        "issued",
        "valid",
        certificate.level,
    )
    assert item["employer_credit_code"] == certificate.employer.uscc
    assert item["project_codes"] == [p.code for p in certificate.projects.all()]
    assert item["elicence_identifier"].startswith("1.2.156.3005.2.")
    assert AccessLog.objects.get().records == 1


def test_queries_per_page_are_the_same_for_10_rows_and_for_500(client, sync_key, monday, association_user):
    _issue(association_user, 12)
    # Make the feed long cheaply: more changes for the same certificates are rows like any other.
    certificates = list(RegistrationCertificate.objects.all())
    CertificateChange.objects.bulk_create(
        CertificateChange(sequence=100 + i, certificate=certificates[i % 12], kind="changed")
        for i in range(600)
    )

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            page = _get(client, REGISTRATIONS, sync_key, limit=limit, cursor=cursor_encode(50))
        assert len(page["items"]) == limit
        return len(captured)

    queries(10)  # the key's first use of the day is recorded once (exchange.services.api_key_touch)
    assert queries(10) == queries(500)


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "v1.",
        "v1.!!!!",
        "v1.MA",  # "0"
        "v1.LTE",  # "-1"
        "v1.MDEy",  # "012": not how we write 12
        "v2.MTI",  # another version
        "v1.MTI=",  # padding we never send
        "v1.5paw5o2u",  # not ASCII digits
        "' OR 1=1 --",
        "v1.OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ",  # beyond bigint
    ],
)
def test_a_cursor_we_did_not_give_is_400_invalid_cursor(client, sync_key, cursor):
    response = client.get(REGISTRATIONS, {"cursor": cursor}, **sync_key)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_cursor"
    assert error["message"]  # Chinese once the integrator compiles the catalogue (tr-feed.json)
    assert error["details"] == [{"field": "cursor", "type": "invalid_cursor"}]


@pytest.mark.parametrize("limit", ["0", "1001", "-5", "many", "1e3"])
def test_limit_outside_1_to_1000_is_422(client, sync_key, limit):
    response = client.get(ASSESSMENTS, {"limit": limit}, **sync_key)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_cursors_round_trip_and_are_opaque():
    for sequence in (1, 9, 10, 123456, 2**62):
        encoded = cursor_encode(sequence)
        assert encoded.startswith("v1.")
        assert encoded[3:] != str(sequence)
        assert cursor_decode(encoded) == sequence
    assert cursor_encode(0) == ""
    assert cursor_decode("") == cursor_decode(None) == 0
    with pytest.raises(ApiError):
        cursor_decode("v1.MA")


def test_another_scope_is_403(client):
    _key, secret = issued_key(partner__scopes=[Scope.VERIFY_READ, Scope.RECOGNITION_WRITE])
    for url in (REGISTRATIONS, ASSESSMENTS):
        response = client.get(url, **bearer(secret))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "insufficient_scope"


def test_assessment_feed_pages_issue_and_revocation_once_each(client, sync_key, training_centre_user):
    certificates = certificates_issue(
        results=[AssessmentResultFactory() for _ in range(5)], by=training_centre_user
    ).certificates
    first = _get(client, ASSESSMENTS, sync_key, limit=2)
    assessment_certificate_revoke(certificate=certificates[0], reason="考核材料造假", by=training_centre_user)
    seen = [(i["number"], i["kind"]) for i in first["items"]]
    page = first
    while page["has_more"]:
        page = _get(client, ASSESSMENTS, sync_key, limit=2, cursor=page["next_cursor"])
        seen += [(i["number"], i["kind"]) for i in page["items"]]
    assert seen == [(c.number, "issued") for c in certificates] + [(certificates[0].number, "revoked")]
    assert page["items"][-1]["state"] == "revoked"
    person = certificates[0].person
    assert person.id_number not in str(page)


def test_a_signed_in_staff_session_without_a_key_is_401(client, association_user):
    client.force_login(association_user)
    for url in (REGISTRATIONS, ASSESSMENTS):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_key"


def test_a_misspelt_parameter_is_400_not_a_silent_sync_from_the_start(client, sync_key):
    response = client.get(REGISTRATIONS, {"curser": cursor_encode(5)}, **sync_key)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameters"
    assert error["details"] == [{"field": "curser", "type": "unknown_parameter"}]
