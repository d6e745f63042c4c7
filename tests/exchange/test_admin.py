"""The association's back office for the API: keys shown once and stored hashed, revoked at once, the
access log read-only and constant in queries, submissions accepted or rejected with audit rows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from audit.describe import describe
from audit.models import Action, AuditEvent
from exams.models import RecognisedCertificate
from exchange.admin.access_log import OPERATIONS, STATUSES
from exchange.api import api
from exchange.keys import api_key_hash
from exchange.models import AccessLog, ApiKey, InboundCertificate, Partner, Scope
from tests.factories import MetrologyProjectFactory, PersonFactory, RecognisedCertificateFactory
from tests.factories.exchange import ApiKeyFactory, InboundCertificateFactory, PartnerFactory, issued_key

from .conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, association_user):
    client.force_login(association_user)
    return association_user


def _all_text_in_database() -> str:
    """Every text column of every table, as one string (SQLite and PostgreSQL)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                chunks.extend(str(value) for value in row if isinstance(value, str | bytes | memoryview))
    return "\n".join(chunks)


def test_staff_create_a_partner_with_scopes(client, staff):
    response = client.post(
        reverse("admin:exchange_partner_add"),
        {
            "name": "江苏省计量协会平台",
            "kind": "region",
            "region": "jiangsu",
            "contact": "王工",
            "scopes": [Scope.VERIFY_READ, Scope.RECOGNITION_WRITE],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert partner.scopes == ["recognition:write", "verify:read"]
    assert partner.created_by == staff


def test_a_key_is_shown_once_and_only_its_hash_is_stored(client, staff):
    partner = PartnerFactory()
    url = reverse("admin:exchange_partner_issue_key", args=[partner.pk])
    form = client.get(url)
    assert form.status_code == 200
    expires = (timezone.localtime() + dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    page = client.post(url, {"label": "生产", "expires_at": expires})
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    key = ApiKey.objects.get()
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert key.secret_hash == api_key_hash(secret)
    assert secret not in _all_text_in_database()
    assert secret.split("_")[-1] not in _all_text_in_database()
    assert AuditEvent.objects.filter(action=Action.API_KEY_ISSUED, target_id=str(key.pk)).exists()
    # The key works, and is never shown again: the key's own page has only its public id.
    assert client.get("/api/v1/recognitions/1", **bearer(secret)).status_code == 404
    change = client.get(reverse("admin:exchange_apikey_change", args=[key.pk]))
    assert secret not in change.content.decode()
    assert key.prefix in change.content.decode()


@pytest.mark.parametrize("expires", ["2000-01-01 00:00:00", "2099-01-01 00:00:00", "不是日期"])
def test_an_expiry_in_the_past_or_too_far_issues_nothing(client, staff, expires):
    partner = PartnerFactory()
    page = client.post(
        reverse("admin:exchange_partner_issue_key", args=[partner.pk]), {"expires_at": expires}
    )
    assert page.status_code == 200
    assert "secret" not in page.context
    assert not ApiKey.objects.exists()


def test_only_the_association_issues_keys(client, training_centre_user):
    partner = PartnerFactory()
    client.force_login(training_centre_user)
    url = reverse("admin:exchange_partner_issue_key", args=[partner.pk])
    assert client.post(url, {"expires_at": "2030-01-01 00:00:00"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_revoking_a_key_shuts_it_out_at_once_and_is_audited(client, staff):
    key, secret = issued_key()
    assert client.get("/api/v1/recognitions/1", **bearer(secret)).status_code == 404
    response = client.post(
        reverse("admin:exchange_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_by == staff
    assert client.get("/api/v1/recognitions/1", **bearer(secret)).status_code == 401
    assert AuditEvent.objects.filter(action=Action.API_KEY_REVOKED, target_id=str(key.pk)).count() == 1
    # Revoking again changes nothing and writes no second row.
    client.post(
        reverse("admin:exchange_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]}
    )
    assert AuditEvent.objects.filter(action=Action.API_KEY_REVOKED).count() == 1


def _log_rows(count: int) -> None:
    for _ in range(count):
        key = ApiKeyFactory()
        AccessLog.objects.create(
            at=timezone.now(), key=key, partner=key.partner, method="GET", operation="x", path="/", status=200
        )


def test_the_access_log_is_read_only_and_its_list_constant_in_queries(client, staff):
    url = reverse("admin:exchange_accesslog_changelist")

    def queries(count: int) -> int:
        _log_rows(count)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    queries(1)  # warms the per-process caches (content types, the user's permissions)
    assert queries(3) == queries(20)
    assert client.get(url, {"status": "200", "partner__id__exact": "1"}).status_code == 200
    row = AccessLog.objects.first()
    change = client.post(reverse("admin:exchange_accesslog_change", args=[row.pk]), {"status": "500"})
    assert change.status_code == 403
    assert (
        client.post(reverse("admin:exchange_accesslog_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )


# --- review of submissions --------------------------------------------------------------------------------
@pytest.fixture
def project():
    return MetrologyProjectFactory(code="12.401")


def _changelist_action(client, action: str, ids: list[int], **extra):
    return client.post(
        reverse("admin:exchange_inboundcertificate_changelist"),
        {"action": action, "_selected_action": ids, **extra},
    )


def test_accepting_creates_the_recognised_certificate_and_audits(client, staff, project):
    person = PersonFactory(name="李明")
    inbound = InboundCertificateFactory(holder_id_number=person.id_number, projects=["12.401"])
    response = _changelist_action(client, "accept", [inbound.pk])
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.state == InboundCertificate.State.ACCEPTED
    recognised = inbound.recognised
    assert (recognised.person, recognised.original_number, recognised.region) == (
        person,
        inbound.number,
        "shanghai",
    )
    assert list(recognised.projects.all()) == [project]
    assert recognised.checked_by == staff
    event = AuditEvent.objects.get(action=Action.RECOGNITION_DECIDED)
    assert event.detail["decision"] == "accepted"
    label, value = describe(event)[0]  # labelled lines, not the JSON detail's key and slug
    assert (label, value) == (gettext("decision"), str(InboundCertificate.State.ACCEPTED.label))


def test_accepting_links_the_same_persons_existing_certificate(client, staff, project):
    person = PersonFactory(name="李明")
    existing = RecognisedCertificateFactory(person=person, region="shanghai", original_number="SH-1")
    inbound = InboundCertificateFactory(holder_id_number=person.id_number, number="SH-1", projects=["12.401"])
    _changelist_action(client, "accept", [inbound.pk])
    inbound.refresh_from_db()
    assert inbound.recognised == existing
    assert RecognisedCertificate.objects.count() == 1


@pytest.mark.parametrize("case", ["unknown_person", "other_name", "others_certificate"])
def test_accepting_what_cannot_be_accepted_changes_nothing(client, staff, project, case):
    person = PersonFactory(name="李明")
    inbound = InboundCertificateFactory(holder_id_number=person.id_number, projects=["12.401"], number="SH-2")
    if case == "unknown_person":
        inbound = InboundCertificateFactory(projects=["12.401"])
    elif case == "other_name":
        InboundCertificate.objects.filter(pk=inbound.pk).update(holder_name="李四")
    else:
        RecognisedCertificateFactory(region="shanghai", original_number="SH-2")
    before = RecognisedCertificate.objects.count()
    response = _changelist_action(client, "accept", [inbound.pk])
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.state == InboundCertificate.State.PENDING
    assert RecognisedCertificate.objects.count() == before
    assert not AuditEvent.objects.filter(action=Action.RECOGNITION_DECIDED).exists()


def test_rejecting_asks_for_the_reason_and_the_partner_reads_it(client, staff, project):
    inbound = InboundCertificateFactory(projects=["12.401"])
    page = _changelist_action(client, "reject", [inbound.pk])
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    for bad in ["  ", "原因\u202e反转"]:
        _changelist_action(client, "reject", [inbound.pk], apply="1", reason=bad)
        inbound.refresh_from_db()
        assert inbound.state == InboundCertificate.State.PENDING
    _changelist_action(client, "reject", [inbound.pk], apply="1", reason="证书编号在上海平台查无此证。")
    inbound.refresh_from_db()
    assert (inbound.state, inbound.reason, inbound.reviewed_by) == (
        "rejected",
        "证书编号在上海平台查无此证。",
        staff,
    )
    assert AuditEvent.objects.get(action=Action.RECOGNITION_DECIDED).detail == {"decision": "rejected"}
    secret = issued_key(partner=inbound.partner)[1]
    client.logout()
    answer = client.get(f"/api/v1/recognitions/{inbound.pk}", **bearer(secret)).json()
    assert (answer["state"], answer["reason"]) == ("rejected", "证书编号在上海平台查无此证。")
    # A decided submission is not decided again.
    client.force_login(staff)
    _changelist_action(client, "accept", [inbound.pk])
    inbound.refresh_from_db()
    assert inbound.state == "rejected"


def test_the_review_list_masks_resident_ids(client, staff, project):
    inbound = InboundCertificateFactory(projects=["12.401"])
    for url in (
        reverse("admin:exchange_inboundcertificate_changelist"),
        reverse("admin:exchange_inboundcertificate_change", args=[inbound.pk]),
    ):
        page = client.get(url).content.decode()
        assert inbound.holder_id_number not in page
        assert inbound.masked_holder_id_number in page


# --- one submission's page --------------------------------------------------------------------------------
def _decide_form(page: str) -> tuple[str, dict[str, str]]:
    """The page's decision form (templates/admin/exchange/inboundcertificate/change_form.html): its address
    and hidden fields, read from the HTML as the browser would submit them."""
    form = re.search(r'<form id="decide" method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)"', form.group(2)))
    return form.group(1), fields


def test_a_pending_submissions_page_shows_the_holder_on_record_the_projects_and_accepts(
    client, staff, project
):
    person = PersonFactory(name="李明")
    inbound = InboundCertificateFactory(holder_id_number=person.id_number, projects=["12.401"])
    url = reverse("admin:exchange_inboundcertificate_change", args=[inbound.pk])
    page = client.get(url).content.decode()
    assert reverse("admin:people_person_change", args=[person.pk]) in page
    assert gettext("same name") in page
    assert f"12.401 {project.name}" in page
    assert '["12.401"]' not in page  # the projects read as words, not as the stored JSON
    assert 'name="_save"' not in page  # nothing to save: the decisions replace the save buttons
    assert 'form="decide" name="action" value="accept"' in page
    action, fields = _decide_form(page)
    response = client.post(action, {**fields, "action": "accept"})
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.state == InboundCertificate.State.ACCEPTED
    assert inbound.recognised.person == person
    decided = client.get(url).content.decode()
    assert 'form="decide"' not in decided  # a decided submission offers no decision


NO_PERSON = (
    "No person with this resident ID number is on record: the submission cannot be accepted "
    "until the person is added (or applies or takes an assessment here)."
)
OTHER_NAME = "the name on record differs from the submitted name: the submission cannot be accepted"


def test_a_submissions_page_says_when_acceptance_cannot_find_the_holder(client, staff, project):
    unknown = InboundCertificateFactory(projects=["12.401"])
    page = client.get(reverse("admin:exchange_inboundcertificate_change", args=[unknown.pk])).content.decode()
    assert gettext(NO_PERSON) in page
    assert gettext(OTHER_NAME) not in page
    person = PersonFactory(name="李明")
    other = InboundCertificateFactory(
        holder_id_number=person.id_number, holder_name="李四", projects=["12.401"]
    )
    page = client.get(reverse("admin:exchange_inboundcertificate_change", args=[other.pk])).content.decode()
    assert gettext(OTHER_NAME) in page
    assert gettext(NO_PERSON) not in page


def test_rejecting_from_a_submissions_page_asks_for_the_reason(client, staff, project):
    inbound = InboundCertificateFactory(projects=["12.401"])
    page = client.get(reverse("admin:exchange_inboundcertificate_change", args=[inbound.pk])).content.decode()
    action, fields = _decide_form(page)
    reason_page = client.post(action, {**fields, "action": "reject"})
    assert reason_page.status_code == 200
    assert 'name="reason"' in reason_page.content.decode()
    inbound.refresh_from_db()
    assert inbound.state == InboundCertificate.State.PENDING


def test_the_access_log_reads_in_words(client, staff):
    partner = PartnerFactory(scopes=[Scope.VERIFY_READ])
    _key, secret = issued_key(partner=partner)
    client.get(
        "/api/v1/certificates/verify", {"number": "HLJ-ZC1-2026-00001", "holder_name": "王"}, **bearer(secret)
    )
    client.get("/api/v1/registrations/changes", **bearer(secret))  # scope not granted: 403
    client.force_login(staff)
    page = client.get(reverse("admin:exchange_accesslog_changelist")).content.decode()
    assert str(OPERATIONS["certificate_verify"]) in page
    assert f"404 {STATUSES[404]}" in page
    assert f"403 {STATUSES[403]}" in page
    assert ">certificate_verify<" not in page
    assert ">registrations_changed<" not in page
    filtered = client.get(reverse("admin:exchange_accesslog_changelist"), {"status": "403"})
    assert list(filtered.context["cl"].result_list.values_list("status", flat=True)) == [403]
    for bad in ("x", "²", "9" * 5000):  # not a listed status: the admin's error flag, never a 500
        assert client.get(reverse("admin:exchange_accesslog_changelist"), {"status": bad}).status_code == 302


def test_every_api_operation_has_a_name_in_the_access_log():
    """A new operation without a label would show its raw id to the clerk."""
    found: set[str] = set()

    def walk(patterns) -> None:
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif pattern.name:
                found.add(pattern.name)

    walk(api.urls[0])
    assert found == set(OPERATIONS)
