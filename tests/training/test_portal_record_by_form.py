"""Recording by form: the activity, then its participants chosen from the employer's holders, all or none,
each problem beside its row; changing or withdrawing an entry only while it awaits confirmation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from tests.factories import EmployerFactory, UserFactory
from training import services
from training.models import Activity, ActivityKind, Participation, ParticipationState, Subject

from .portal import activity, clerk_of, holder, pdf_bytes, record

pytestmark = pytest.mark.django_db
D = Decimal


def activity_form(**changes):
    data = {
        "title": "压力仪表检定技术研修班",
        "kind": ActivityKind.COURSE,
        "organiser": "黑龙江省计量协会",
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-03",
        "place": "哈尔滨",
        "hours": "24",
        "subject": Subject.PROFESSIONAL,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_clerk_records_an_activity_then_three_participants(client, today):
    clerk = clerk_of()
    employer = clerk.employer
    staff = [holder(employer) for _ in range(3)]
    client.force_login(clerk)

    response = client.post(
        reverse("training:activity_add"),
        activity_form(attendance_list=SimpleUploadedFile("签到表.pdf", pdf_bytes())),
    )
    course = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:participants_add", args=[course.pk])
    assert (course.employer, course.hours, course.created_by) == (employer, D("24"), clerk)
    assert course.attendance_list
    assert course.attendance_list_name == "签到表.pdf"

    page = client.get(reverse("training:participants_add", args=[course.pk]))
    listed = [r["person"] for r in page.context["form"].rows]
    assert listed == [h.person for h in sorted(staff, key=lambda h: (h.person.name, h.person.pk))]
    first, second, third = staff
    response = client.post(
        reverse("training:participants_add", args=[course.pk]),
        {
            f"take-{first.person.pk}": "on",
            f"hours-{first.person.pk}": "24",
            f"evidence-{first.person.pk}": SimpleUploadedFile("证明.pdf", pdf_bytes()),
            f"take-{second.person.pk}": "on",
            f"hours-{second.person.pk}": "１６.５",  # full-width, as a Chinese input method types it
            f"take-{third.person.pk}": "on",
            f"hours-{third.person.pk}": "24",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    hours = dict(Participation.objects.values_list("person_id", "hours"))
    assert hours == {first.person.pk: D("24"), second.person.pk: D("16.5"), third.person.pk: D("24")}
    assert set(Participation.objects.values_list("state", flat=True)) == {ParticipationState.RECORDED}
    assert Participation.objects.get(person=first.person).evidence_name == "证明.pdf"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-08-01"}, "ends_on"),  # before the start
        ({"hours": "3.3"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"place": ""}, "place"),  # neither a place nor online
        ({"ends_on": "2026-12-31"}, "ends_on"),  # not over yet
        ({"title": '=HYPERLINK("http://x")'}, "title"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_a_bad_activity_is_refused_with_the_reason_beside_the_field(client, today, changes, field):
    client.force_login(clerk_of())
    response = client.post(reverse("training:activity_add"), activity_form(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Activity.objects.exists()


def test_an_online_activity_needs_no_place(client, today):
    client.force_login(clerk_of())
    response = client.post(reverse("training:activity_add"), activity_form(place="", online="on"))
    assert response.status_code == 302
    assert Activity.objects.get().online


def test_an_attendance_list_that_is_not_a_pdf_or_image_is_refused(client, today):
    client.force_login(clerk_of())
    fake = SimpleUploadedFile("签到表.pdf", b"MZ\x90\x00 this is a program")
    response = client.post(reverse("training:activity_add"), activity_form(attendance_list=fake))
    assert "attendance_list" in response.context["form"].errors
    assert not Activity.objects.exists()


def _post_participants(client, course, rows):
    data = {}
    for person, hours, *evidence in rows:
        data[f"take-{person.pk}"] = "on"
        data[f"hours-{person.pk}"] = hours
        if evidence:
            data[f"evidence-{person.pk}"] = evidence[0]
    return client.post(reverse("training:participants_add", args=[course.pk]), data)


@pytest.mark.parametrize("bad", ["31", "2.25", "-1", "很多"])
def test_one_bad_row_saves_nobody_and_the_problem_is_beside_that_row(client, today, bad):
    clerk = clerk_of()
    good, wrong = holder(clerk.employer), holder(clerk.employer)
    course = activity(clerk.employer, hours="30")
    client.force_login(clerk)

    response = _post_participants(client, course, [(good.person, "30"), (wrong.person, bad)])

    assert response.status_code == 200
    assert not Participation.objects.exists()
    rows = {r["person"].pk: r["errors"] for r in response.context["form"].bound_rows()}
    assert rows[wrong.person.pk]
    assert not rows[good.person.pk]
    assert f'data-testid="row-error-{wrong.person.pk}"' in response.content.decode()


def test_a_certificate_of_attendance_is_checked_by_its_content(client, today):
    clerk = clerk_of()
    person = holder(clerk.employer).person
    course = activity(clerk.employer)
    client.force_login(clerk)
    renamed = SimpleUploadedFile("证明.png", b"<html><script>alert(1)</script></html>")

    response = _post_participants(client, course, [(person, "30", renamed)])

    assert response.status_code == 200
    assert not Participation.objects.exists()
    assert response.context["form"].errors


def test_someone_not_on_the_employers_staff_is_neither_listed_nor_recorded(client, today):
    clerk = clerk_of()
    mine = holder(clerk.employer)
    stranger = holder(EmployerFactory())
    lapsed = holder(clerk.employer, valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2024, 12, 31))
    course = activity(clerk.employer)
    client.force_login(clerk)

    listed = [
        r["person"]
        for r in client.get(reverse("training:participants_add", args=[course.pk])).context["form"].rows
    ]
    assert listed == [mine.person]

    response = _post_participants(client, course, [(stranger.person, "30"), (lapsed.person, "30")])
    assert response.status_code == 200  # nobody ticked among the listed: nothing to record
    assert not Participation.objects.exists()


def test_someone_already_recorded_is_not_listed_again(client, today):
    clerk = clerk_of()
    done, other = holder(clerk.employer), holder(clerk.employer)
    course = activity(clerk.employer)
    record(course, clerk.employer, [(done.person, "30")])
    client.force_login(clerk)
    response = client.get(reverse("training:participants_add", args=[course.pk]))
    assert [r["person"] for r in response.context["form"].rows] == [other.person]
    assert response.context["already"] == 1


def test_hours_awaiting_confirmation_can_be_changed_and_withdrawn(client, today):
    clerk = clerk_of()
    person = holder(clerk.employer).person
    course = activity(clerk.employer, hours="30")
    [entry] = record(course, clerk.employer, [(person, "30")])
    client.force_login(clerk)

    too_many = client.post(reverse("training:entry_change", args=[entry.pk]), {"hours": "31"})
    assert "hours" in too_many.context["form"].errors
    changed = client.post(reverse("training:entry_change", args=[entry.pk]), {"hours": "２０"})
    assert changed.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == D("20")

    client.post(reverse("training:entry_withdraw", args=[entry.pk]))
    assert not Participation.objects.exists()


@pytest.mark.parametrize("decision", ["confirm", "reject"])
def test_decided_hours_are_read_only_for_the_clerk(client, today, decision):
    clerk = clerk_of()
    course = activity(clerk.employer, hours="30")
    [entry] = record(course, clerk.employer, [(holder(clerk.employer).person, "30")])
    if decision == "confirm":
        services.participation_confirm(participation=entry, by=UserFactory())
    else:
        services.participation_reject(participation=entry, by=UserFactory(), reason="无证明")
    client.force_login(clerk)

    page = client.get(reverse("training:entry_change", args=[entry.pk]))
    assert not page.context["editable"]
    assert 'data-testid="read-only"' in page.content.decode()
    client.post(reverse("training:entry_change", args=[entry.pk]), {"hours": "10"})
    withdrawn = client.post(reverse("training:entry_withdraw", args=[entry.pk]), follow=True)

    entry.refresh_from_db()
    assert entry.hours == D("30")
    assert _("Confirmed or rejected hours change only through the association.") in withdrawn.content.decode()


def test_participants_cannot_be_added_to_an_activity_the_clerk_did_not_record(client, today):
    """An activity the association recorded shows the employer's own hours in it, but is not the clerk's
    to add people to."""
    clerk = clerk_of()
    person = holder(clerk.employer).person
    association_course = activity(None)
    services.participations_record(
        activity=association_course,
        entries=[services.Entry(person, D("30"))],
        by=UserFactory(),
        employer=None,
    )
    client.force_login(clerk)
    assert client.get(reverse("training:activity_detail", args=[association_course.pk])).status_code == 200
    assert client.get(reverse("training:participants_add", args=[association_course.pk])).status_code == 404
    assert client.get(reverse("training:attendance_list", args=[association_course.pk])).status_code == 404


def test_the_participants_page_runs_as_many_queries_for_20_holders_as_for_3(client, today):
    counts = []
    for size in (3, 20):
        clerk = clerk_of()
        for _number in range(size):
            holder(clerk.employer)
        course = activity(clerk.employer)
        client.force_login(clerk)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("training:participants_add", args=[course.pk]))
        assert len(response.context["form"].rows) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_list_longer_than_the_upload_file_limit_records_hours_without_certificate_inputs(
    client, today, settings
):
    """A browser sends each file input, empty or not; past Django's limit on files per request the
    submission would be refused whole, so a long list has no per-row certificate inputs."""
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 8
    clerk = clerk_of()
    staff = [holder(clerk.employer) for _ in range(4)]
    course = activity(clerk.employer)
    client.force_login(clerk)

    page = client.get(reverse("training:participants_add", args=[course.pk]))
    assert not page.context["form"].with_evidence
    assert 'type="file"' not in page.content.decode()
    response = _post_participants(client, course, [(h.person, "30") for h in staff])

    assert response.status_code == 302
    assert Participation.objects.count() == 4
