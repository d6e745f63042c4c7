"""The association verifies and suspends employers through services, also from the admin."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Employer
from people.services import EmployerStatusError, employer_suspend, employer_verify
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


def test_verify_makes_a_pending_employer_active_and_records_who_and_when(association_user):
    employer = EmployerFactory(pending=True)
    assert not employer.can_submit
    employer_verify(employer=employer, by=association_user)
    employer.refresh_from_db()
    assert employer.status == Employer.Status.ACTIVE
    assert employer.verified_by == association_user
    assert employer.verified_at is not None
    assert employer.can_submit


def test_verify_refuses_an_active_employer_and_an_authorised_verification_institution(association_user):
    with pytest.raises(EmployerStatusError):
        employer_verify(employer=EmployerFactory(), by=association_user)
    institution = EmployerFactory(pending=True, verification_institution=True)
    with pytest.raises(EmployerStatusError):
        employer_verify(employer=institution, by=association_user)
    institution.refresh_from_db()
    assert institution.status == Employer.Status.PENDING


def test_suspend_stops_submitting_and_verify_reinstates(association_user):
    employer = EmployerFactory()
    employer_suspend(employer=employer, by=association_user)
    employer.refresh_from_db()
    assert employer.status == Employer.Status.SUSPENDED
    assert not employer.can_submit
    with pytest.raises(EmployerStatusError):
        employer_suspend(employer=employer, by=association_user)
    employer_verify(employer=employer, by=association_user)
    employer.refresh_from_db()
    assert employer.can_submit


def test_the_admin_action_verifies_the_selected_and_reports_the_refused(client, association_user):
    pending = EmployerFactory(pending=True)
    already = EmployerFactory()
    client.force_login(association_user)
    response = client.post(
        reverse("admin:people_employer_changelist"),
        {"action": "verify", "_selected_action": [pending.pk, already.pk]},
        follow=True,
    )
    pending.refresh_from_db()
    assert pending.status == Employer.Status.ACTIVE
    assert pending.verified_by == association_user
    shown = [str(m) for m in response.context["messages"]]
    assert any(already.name in m for m in shown)
    assert LogEntry.objects.filter(object_id=str(pending.pk)).exists()


def test_the_admin_action_suspends(client, association_user):
    employer = EmployerFactory()
    client.force_login(association_user)
    client.post(
        reverse("admin:people_employer_changelist"),
        {"action": "suspend", "_selected_action": [employer.pk]},
    )
    employer.refresh_from_db()
    assert employer.status == Employer.Status.SUSPENDED


def test_the_admin_change_form_cannot_set_the_status(client, association_user):
    employer = EmployerFactory(pending=True)
    client.force_login(association_user)
    response = client.get(reverse("admin:people_employer_change", args=[employer.pk]))
    assert 'name="status"' not in response.content.decode()


def test_the_employer_list_runs_a_constant_number_of_queries(client, association_user, workday_calendar):
    client.force_login(association_user)

    def queries(more: int) -> int:
        for _ in range(more):
            employer_verify(employer=EmployerFactory(pending=True), by=association_user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:people_employer_changelist")).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(15)
