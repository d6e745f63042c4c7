"""Association staff decide entries in bulk, all selected or none; rejection needs a reason; a decided entry
changes only through a correction; entries are not editable or deletable; who may reach the pages."""

import pytest
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from tests.portal_files import pdf_bytes
from tests.training.admin_helpers import D, activity, entries, holder
from training import services
from training.models import Participation, ParticipationCorrection, ParticipationState

pytestmark = pytest.mark.django_db
S = ParticipationState
LIST = reverse("admin:training_participation_changelist")


@pytest.fixture
def assoc(client, association_user):
    client.force_login(association_user)
    return client


def _action(client, name, entries_, **extra):
    data = {"action": name, helpers.ACTION_CHECKBOX_NAME: [p.pk for p in entries_], **extra}
    return client.post(LIST, data)


def _three():
    certs = [holder() for _ in range(3)]
    return entries(activity(), [c.person for c in certs])


def test_confirm_action_confirms_every_selected_entry_and_audits_each(assoc, association_user):
    chosen = _three()
    response = _action(assoc, "confirm_selected", chosen)
    assert response.status_code == 302
    assert set(Participation.objects.values_list("state", flat=True)) == {S.CONFIRMED}
    events = AuditEvent.objects.filter(action=Action.TRAINING_DECIDED)
    assert sorted(int(e.target_id) for e in events) == sorted(p.pk for p in chosen)
    assert {e.actor_id for e in events} == {association_user.pk}


def test_confirm_changes_nothing_when_one_selected_entry_is_already_decided(assoc, association_user):
    chosen = _three()
    services.participation_reject(participation=chosen[0], by=association_user, reason="证明不全")
    before = AuditEvent.objects.count()
    response = _action(assoc, "confirm_selected", chosen)
    assert response.status_code == 302
    states = dict(Participation.objects.values_list("pk", "state"))
    assert states == {chosen[0].pk: S.REJECTED, chosen[1].pk: S.RECORDED, chosen[2].pk: S.RECORDED}
    assert AuditEvent.objects.count() == before


def test_reject_asks_for_the_reason_on_an_intermediate_page(assoc):
    chosen = _three()
    response = _action(assoc, "reject_selected", chosen)
    assert response.status_code == 200
    assert b'name="reason"' in response.content
    assert not Participation.objects.exclude(state=S.RECORDED).exists()


def test_reject_without_a_reason_is_refused_and_changes_nothing(assoc):
    chosen = _three()
    response = _action(assoc, "reject_selected", chosen, apply="1", reason="   ")
    assert response.status_code == 200  # the page again, with the field's error
    assert "errorlist" in response.content.decode()
    assert not Participation.objects.exclude(state=S.RECORDED).exists()
    assert not AuditEvent.objects.filter(action=Action.TRAINING_DECIDED).exists()


def test_reject_without_a_reason_is_refused_by_the_service_too(association_user):
    chosen = _three()
    with pytest.raises(ValidationError):
        services.participations_reject(
            participation_ids=[p.pk for p in chosen], by=association_user, reason=""
        )
    assert not Participation.objects.exclude(state=S.RECORDED).exists()


def test_reject_with_a_reason_rejects_all_selected_and_records_the_reason(assoc):
    chosen = _three()
    response = _action(assoc, "reject_selected", chosen, apply="1", reason="签到表无本人签名")
    assert response.status_code == 302
    rows = Participation.objects.all()
    assert {(p.state, p.rejection_reason) for p in rows} == {(S.REJECTED, "签到表无本人签名")}
    events = AuditEvent.objects.filter(action=Action.TRAINING_DECIDED)
    assert events.count() == 3
    assert {e.detail["reason"] for e in events} == {"签到表无本人签名"}


def test_reject_is_all_or_nothing(assoc, association_user):
    chosen = _three()
    services.participation_confirm(participation=chosen[2], by=association_user)
    _action(assoc, "reject_selected", chosen, apply="1", reason="重复登记")
    assert dict(Participation.objects.values_list("pk", "state")) == {
        chosen[0].pk: S.RECORDED,
        chosen[1].pk: S.RECORDED,
        chosen[2].pk: S.CONFIRMED,
    }


def test_entries_are_read_only_and_cannot_be_deleted(assoc):
    [entry] = entries(activity(), [holder().person])
    page = assoc.get(reverse("admin:training_participation_change", args=[entry.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    posted = assoc.post(reverse("admin:training_participation_change", args=[entry.pk]), {"hours": "1"})
    assert posted.status_code == 403
    assert (
        assoc.post(
            reverse("admin:training_participation_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert assoc.get(reverse("admin:training_participation_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.hours == D("30")
    listing = assoc.get(LIST)
    assert b"delete_selected" not in listing.content


def test_a_correction_needs_a_reason_and_is_shown_on_the_entry(assoc, association_user):
    [entry] = entries(activity(hours="40"), [holder().person])
    services.participation_confirm(participation=entry, by=association_user)
    url = reverse("admin:training_participation_correct", args=[entry.pk])

    refused = assoc.post(url, {"hours": "20", "state": S.CONFIRMED, "reason": ""})
    assert refused.status_code == 200
    assert not ParticipationCorrection.objects.exists()

    too_many = assoc.post(url, {"hours": "45", "state": S.CONFIRMED, "reason": "核对签到表"})
    assert too_many.status_code == 200
    assert not ParticipationCorrection.objects.exists()

    done = assoc.post(url, {"hours": "20", "state": S.CONFIRMED, "reason": "核对签到表，只参加半程"})
    assert done.status_code == 302
    entry.refresh_from_db()
    assert (entry.hours, entry.state) == (D("20"), S.CONFIRMED)
    assert AuditEvent.objects.filter(action=Action.TRAINING_CORRECTED, target_id=str(entry.pk)).exists()
    page = assoc.get(reverse("admin:training_participation_change", args=[entry.pk]))
    assert "核对签到表，只参加半程" in page.content.decode()


def test_an_entry_awaiting_confirmation_is_not_corrected(assoc):
    [entry] = entries(activity(), [holder().person])
    response = assoc.post(
        reverse("admin:training_participation_correct", args=[entry.pk]),
        {"hours": "20", "state": S.CONFIRMED, "reason": "x"},
    )
    assert response.status_code == 302
    assert not ParticipationCorrection.objects.exists()


def test_list_masks_id_numbers_and_searches_by_name(assoc):
    cert = holder()
    entries(activity(), [cert.person])
    page = assoc.get(LIST, {"q": cert.person.name}).content.decode()
    assert cert.person.name in page
    assert cert.person.masked_id_number in page
    assert cert.person.id_number not in page


def test_list_filters_by_state_year_kind_subject_prefecture_and_employer(assoc, association_user):
    cert = holder()
    [entry] = entries(activity(), [cert.person])
    services.participation_confirm(participation=entry, by=association_user)
    for params, found in [
        ({"state__exact": S.CONFIRMED}, True),
        ({"state__exact": S.RECORDED}, False),
        ({"year": "2026"}, True),
        ({"year": "2025"}, False),
        ({"activity__kind__exact": "course"}, True),
        ({"activity__subject__exact": "general"}, False),
        ({"employer__prefecture__exact": cert.employer.prefecture}, True),
        ({"employer": cert.employer.uscc}, True),
    ]:
        page = assoc.get(LIST, params)
        assert page.status_code == 200, params
        assert (cert.person.masked_id_number in page.content.decode()) is found, params


def test_evidence_download_is_permission_checked_and_audited(
    assoc, client, association_user, enterprise_user, bureau_user
):
    cert = holder()
    act = activity()
    [entry] = services.participations_record(
        activity=act,
        entries=[services.Entry(cert.person, D("30"), ContentFile(pdf_bytes("attendance"), name="证明.pdf"))],
        by=association_user,
        employer=None,
    )
    url = reverse("admin:training_participation_evidence", args=[entry.pk])
    response = assoc.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=Action.DOWNLOADED, target_id=str(entry.pk)).exists()
    for outsider in (enterprise_user, bureau_user):
        client.force_login(outsider)
        assert client.get(url).status_code in (302, 403)


@pytest.mark.parametrize("role_user", ["enterprise_user", "bureau_user"])
def test_no_page_of_the_ledger_admin_opens_to_enterprise_or_bureau_users(client, request, role_user):
    [entry] = entries(activity(), [holder().person])
    client.force_login(request.getfixturevalue(role_user))
    for url in (
        LIST,
        reverse("admin:training_participation_change", args=[entry.pk]),
        reverse("admin:training_participation_correct", args=[entry.pk]),
        reverse("admin:training_activity_changelist"),
        reverse("admin:training_activity_attendance_import", args=[entry.activity_id]),
        reverse("admin:training_compliance"),
        reverse("admin:training_compliance_export"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert (
            response.status_code != 302 or "/login" in response["Location"] or "login" in response["Location"]
        )


def test_participations_list_runs_in_constant_queries(assoc, association_user, workday_calendar):
    def queries(count: int) -> int:
        act = activity()
        chosen = entries(act, [holder().person for _ in range(count)])
        services.participation_confirm(participation=chosen[0], by=association_user)
        with CaptureQueriesContext(connection) as captured:
            assert assoc.get(LIST).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_a_full_id_number_finds_the_entry_without_travelling_in_the_url(assoc):
    wanted, other = holder().person, holder().person
    entries(activity(), [wanted, other])
    landing = assoc.post(reverse("admin:training_participation_search"), {"q": wanted.id_number})
    assert landing.status_code == 302
    assert wanted.id_number not in landing["Location"]
    page = assoc.get(landing["Location"]).content.decode()
    assert wanted.masked_id_number in page
    assert other.masked_id_number not in page
