"""The clerk's ledger: its own activities and staff's hours by year, states and rejection reasons, files
scoped to the employer (another employer's activity, entry or file is not found)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from tests.factories import EmployerFactory, UserFactory
from training import services
from training.models import ParticipationState

from .portal import activity, clerk_of, holder, pdf_bytes, record

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_ledger_shows_the_years_activities_states_and_the_reason_for_a_rejection(client, today):
    clerk = clerk_of()
    employer = clerk.employer
    first, second = holder(employer), holder(employer)
    course = activity(employer, title="计量法规培训")
    older = activity(employer, title="去年的培训", ends_on=dt.date(2025, 5, 1))
    confirmed, rejected = record(course, employer, [(first.person, "30"), (second.person, "20")])
    record(older, employer, [(first.person, "30")])
    staff = UserFactory()
    services.participation_confirm(participation=confirmed, by=staff)
    services.participation_reject(participation=rejected, by=staff, reason="证明材料与活动不符")
    client.force_login(clerk)

    page = client.get(reverse("training:ledger")).content.decode()

    assert "计量法规培训" in page
    assert "去年的培训" not in page
    assert f'data-testid="entry-state-{confirmed.pk}"' in page
    assert "证明材料与活动不符" in page
    assert first.person.masked_id_number in page
    assert first.person.id_number not in page

    last_year = client.get(reverse("training:ledger"), {"year": 2025}).content.decode()
    assert "去年的培训" in last_year
    assert "计量法规培训" not in last_year

    only_rejected = client.get(reverse("training:ledger"), {"state": ParticipationState.REJECTED})
    assert only_rejected.context["entries"].object_list[0] == rejected
    assert len(only_rejected.context["entries"].object_list) == 1


def test_another_employers_activity_entry_and_files_are_not_found(client, today):
    clerk = clerk_of()
    other = EmployerFactory()
    theirs = activity(other, attendance_list=_pdf("签到表.pdf"))
    [their_entry] = record(theirs, other, [(holder(other).person, "30")], evidence=True)
    client.force_login(clerk)

    for name, pk in [
        ("training:activity_detail", theirs.pk),
        ("training:participants_add", theirs.pk),
        ("training:attendance_list", theirs.pk),
        ("training:entry_change", their_entry.pk),
        ("training:evidence", their_entry.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.post(reverse("training:entry_withdraw", args=[their_entry.pk])).status_code == 404
    assert client.post(reverse("training:sheet_upload", args=[theirs.pk])).status_code == 404
    their_entry.refresh_from_db()  # still there


def test_own_files_download_and_each_download_is_audited(client, today):
    clerk = clerk_of()
    employer = clerk.employer
    course = activity(employer, attendance_list=_pdf("签到表.pdf"))
    [entry] = record(course, employer, [(holder(employer).person, "30")], evidence=True)
    client.force_login(clerk)

    listing = client.get(reverse("training:attendance_list", args=[course.pk]))
    evidence = client.get(reverse("training:evidence", args=[entry.pk]))

    assert listing.status_code == evidence.status_code == 200
    assert b"".join(evidence.streaming_content).startswith(b"%PDF")
    assert "attachment" in evidence["Content-Disposition"]
    assert AuditEvent.objects.filter(action=Action.DOWNLOADED).count() == 2


def test_an_entry_without_a_file_has_no_download(client, today):
    clerk = clerk_of()
    [entry] = record(activity(clerk.employer), clerk.employer, [(holder(clerk.employer).person, "30")])
    client.force_login(clerk)
    assert client.get(reverse("training:evidence", args=[entry.pk])).status_code == 404


def test_only_enterprise_users_reach_the_pages(client, today, association_user):
    client.force_login(association_user)
    assert client.get(reverse("training:ledger")).status_code == 403
    assert client.get(reverse("training:compliance")).status_code == 403


def _ledger_queries(client, employer, rows):
    for _ in range(rows):
        course = activity(employer)
        record(course, employer, [(holder(employer).person, "10")])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("training:ledger"))
    assert response.status_code == 200
    assert len(response.context["entries"].object_list) == rows
    return len(captured)


def test_the_ledger_runs_as_many_queries_for_20_rows_as_for_3(client, today):
    small, large = clerk_of(), clerk_of()
    client.force_login(small)
    few = _ledger_queries(client, small.employer, 3)
    client.force_login(large)
    many = _ledger_queries(client, large.employer, 20)
    assert few == many


def test_an_activitys_page_runs_as_many_queries_for_20_entries_as_for_3(client, today):
    counts = []
    for rows in (3, 20):
        clerk = clerk_of()
        course = activity(clerk.employer)
        record(course, clerk.employer, [(holder(clerk.employer).person, "10") for _ in range(rows)])
        client.force_login(clerk)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("training:activity_detail", args=[course.pk]))
        assert len(response.context["entries"].object_list) == rows
        counts.append(len(captured))
    assert counts[0] == counts[1]


def _pdf(name):
    return ContentFile(pdf_bytes(), name=name)


def test_in_an_activity_shared_by_several_employers_a_clerk_sees_only_its_own_staff(client, today):
    """An activity the association recorded holds hours of many enterprises' staff: each clerk reads and
    reaches only its own."""
    clerk = clerk_of()
    other = EmployerFactory()
    mine, theirs = holder(clerk.employer), holder(other)
    course = activity(None)
    staff = UserFactory()
    [own_entry] = services.participations_record(
        activity=course, entries=[services.Entry(mine.person, D("30"))], by=staff, employer=None
    )
    [their_entry] = services.participations_record(
        activity=course, entries=[services.Entry(theirs.person, D("30"))], by=staff, employer=None
    )
    client.force_login(clerk)

    response = client.get(reverse("training:activity_detail", args=[course.pk]))

    assert list(response.context["entries"].object_list) == [own_entry]
    assert theirs.person.name not in response.content.decode()
    assert client.get(reverse("training:entry_change", args=[their_entry.pk])).status_code == 404
