"""Activities in the admin: recorded through the service, counted hours frozen once decided, participant
count and confirmed hours shown, the attendance list served only through a checked, audited view."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from tests.portal_files import pdf_bytes
from tests.training.admin_helpers import D, activity, entries, holder
from training import services
from training.models import Activity

pytestmark = pytest.mark.django_db
LIST = reverse("admin:training_activity_changelist")
ADD = reverse("admin:training_activity_add")


@pytest.fixture
def assoc(client, association_user):
    client.force_login(association_user)
    return client


def _form(**over):
    data = {
        "title": "计量标准考核规范宣贯会",
        "kind": "academic",
        "organiser": "省计量测试学会",
        "starts_on": "2026-04-01",
        "ends_on": "2026-04-02",
        "place": "哈尔滨",
        "hours": "12",
        "subject": "professional",
    }
    return data | over


def test_adding_records_through_the_service_with_no_employer(assoc, association_user, monkeypatch):
    calls = []
    real = services.activity_record
    monkeypatch.setattr(services, "activity_record", lambda **kw: calls.append(kw) or real(**kw))
    response = assoc.post(ADD, _form(attendance_list=SimpleUploadedFile("签到表.pdf", pdf_bytes("list"))))
    assert response.status_code == 302, response.content.decode()[:2000]
    [made] = Activity.objects.all()
    assert len(calls) == 1
    assert calls[0]["employer"] is None
    assert (made.employer_id, made.created_by, made.hours) == (None, association_user, D("12"))
    assert made.attendance_list_name == "签到表.pdf"
    assert "签到表" not in made.attendance_list.name  # stored under a random name
    events = AuditEvent.objects.filter(action=Action.RECORD_CHANGED, target_id=str(made.pk))
    assert events.count() == 1  # the service's, not a second one from the admin


@pytest.mark.parametrize(
    "over",
    [
        {"ends_on": "2026-03-01"},
        {"place": ""},
        {"hours": "2.3"},
        {"hours": "0"},
        {"title": "=cmd|' /C calc'!A0"},
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(assoc, over):
    response = assoc.post(ADD, _form(**over))
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html
    assert "training_activity" not in html  # no constraint names
    assert not Activity.objects.exists()


def test_online_needs_no_place(assoc):
    assert assoc.post(ADD, _form(place="", online="on")).status_code == 302


def test_counting_fields_freeze_once_an_entry_is_decided(assoc, association_user):
    act = activity(hours="30")
    [entry] = entries(act, [holder().person], hours="30")
    url = reverse("admin:training_activity_change", args=[act.pk])

    # Before any decision: the hours may change, but not below an entry's.
    below = assoc.post(url, _form(hours="20", starts_on="2026-06-28", ends_on="2026-06-30", title=act.title))
    assert below.status_code == 200
    act.refresh_from_db()
    assert act.hours == D("30")

    services.participation_confirm(participation=entry, by=association_user)
    page = assoc.get(url).content.decode()
    assert 'name="hours"' not in page
    assert 'name="ends_on"' not in page
    assert 'name="subject"' not in page
    assert 'name="title"' in page
    # A posted hours value is ignored (the field is read-only); the title may still be fixed.
    response = assoc.post(url, _form(hours="60", ends_on="2027-01-05", title="更正后的标题"))
    assert response.status_code == 302
    act.refresh_from_db()
    assert (act.hours, act.ends_on, act.title) == (D("30"), dt.date(2026, 6, 30), "更正后的标题")
    event = AuditEvent.objects.filter(action=Action.RECORD_CHANGED, target_id=str(act.pk)).first()
    assert set(event.detail["fields"]) == {"title", "kind", "organiser"}  # names, never values


def test_the_service_refuses_a_change_of_counted_hours_once_decided(association_user):
    act = activity(hours="30")
    [entry] = entries(act, [holder().person], hours="30")
    services.participation_confirm(participation=entry, by=association_user)
    data = services.ActivityData(
        title=act.title,
        kind=act.kind,
        organiser=act.organiser,
        starts_on=act.starts_on,
        ends_on=act.ends_on,
        hours=D("40"),
        subject=act.subject,
        place=act.place,
    )
    with pytest.raises(ValidationError) as refused:
        services.activity_change(activity=act, data=data, by=association_user)
    assert "hours" in refused.value.message_dict
    act.refresh_from_db()
    assert act.hours == D("30")


def test_an_employers_activity_is_read_only_here(assoc):
    cert = holder()
    act = activity(employer=cert.employer)
    url = reverse("admin:training_activity_change", args=[act.pk])
    assert 'name="title"' not in assoc.get(url).content.decode()
    assert assoc.post(url, _form()).status_code == 403


def test_activities_are_not_deleted(assoc):
    act = activity()
    assert (
        assoc.post(reverse("admin:training_activity_delete", args=[act.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Activity.objects.filter(pk=act.pk).exists()


def test_the_list_shows_participants_and_confirmed_hours(assoc, association_user):
    act = activity(hours="30", title="独一无二的培训")
    chosen = entries(act, [holder().person for _ in range(3)], hours="30")
    services.participation_confirm(participation=chosen[0], by=association_user)
    services.participation_confirm(participation=chosen[1], by=association_user)
    page = assoc.get(LIST).content.decode()
    row = page[page.index("独一无二的培训") :]
    row = row[: row.index("</tr>")]
    assert "60" in row  # confirmed hours
    assert "3" in row


def test_activities_list_runs_in_constant_queries(assoc, association_user, workday_calendar):
    def queries(count: int) -> int:
        for _ in range(count):
            act = activity(employer=holder().employer)
            entries(act, [holder(act.employer).person], hours="10", employer=act.employer)
        with CaptureQueriesContext(connection) as captured:
            assert assoc.get(LIST).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_the_attendance_list_downloads_only_through_the_checked_view(
    assoc, client, association_user, enterprise_user
):
    act = services.activity_record(
        data=services.ActivityData(
            title="t",
            kind="course",
            organiser="o",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 1, 1),
            hours=D("8"),
            subject="general",
            place="哈尔滨",
        ),
        by=association_user,
        employer=None,
        attendance_list=SimpleUploadedFile("名单.pdf", pdf_bytes("list")),
    )
    url = reverse("admin:training_activity_attendance_list", args=[act.pk])
    response = assoc.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action=Action.DOWNLOADED, target_id=str(act.pk)).exists()
    client.force_login(enterprise_user)
    assert client.get(url).status_code in (302, 403)
