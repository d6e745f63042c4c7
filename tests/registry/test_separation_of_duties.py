"""Separation of duties in the services themselves, whatever calls them (admin, API, command).

With REGISTRY_SEPARATE_ACCEPT_AND_APPROVE on (the default), whoever accepted an application may not
decide on it: `application_approve` and `application_deny` refuse them with the code
`separation_of_duties` and write nothing; another member of staff may decide.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from registry.models import Application, AuditEntry
from registry.services import applications as services
from registry.workflow import ApplicationState
from tests.factories import ApplicationFactory
from tests.registry.conftest import MONDAY, at, ready_rename_application
from workdays.working_days import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(monday, association_user):
    """A change-of-employer-name application accepted through the service by `association_user`."""
    application = ready_rename_application(submitted=True)
    return services.application_accept(application=application, by=association_user)


def _assert_untouched(application: Application) -> None:
    stored = Application.objects.get(pk=application.pk)
    assert stored.state == ApplicationState.ACCEPTED
    assert (stored.approved_on, stored.issuance_due_on, stored.closed_on) == (None, None, None)
    assert stored.current_due_on == add_working_days(MONDAY, 10)
    assert not AuditEntry.objects.filter(application=application, transition__in=["approve", "deny"]).exists()


def test_whoever_accepted_may_not_approve(accepted, association_user):
    with pytest.raises(ValidationError) as excinfo:
        services.application_approve(application=accepted, by=association_user)
    assert excinfo.value.code == "separation_of_duties"
    assert excinfo.value.messages == ["您受理了该申请，审批须由其他工作人员办理。"]
    _assert_untouched(accepted)


def test_whoever_accepted_may_not_deny(accepted, association_user):
    with pytest.raises(ValidationError) as excinfo:
        services.application_deny(application=accepted, by=association_user, reason="资格不符")
    assert excinfo.value.code == "separation_of_duties"
    _assert_untouched(accepted)


def test_another_member_of_staff_may_approve(accepted, association_user, second_reviewer):
    result = services.application_approve(application=accepted, by=second_reviewer)
    assert result.state == ApplicationState.APPROVED
    assert result.accepted_by == association_user
    entry = AuditEntry.objects.get(application=accepted, transition="approve")
    assert entry.by == second_reviewer


def test_another_member_of_staff_may_deny(accepted, second_reviewer):
    result = services.application_deny(application=accepted, by=second_reviewer, reason="资格不符")
    assert result.state == ApplicationState.DENIED


def test_anyone_may_decide_on_a_deemed_accepted_application(monday, association_user):
    """Deemed acceptance is the system's act: no member of staff accepted, so none is excluded."""
    application = ready_rename_application(submitted=True)
    monday.move_to(at(application.acceptance_due_on + dt.timedelta(days=1)))
    services.applications_deem_accepted_overdue()
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED
    assert application.deemed_accepted
    assert application.accepted_by is None
    result = services.application_approve(application=application, by=association_user)
    assert result.state == ApplicationState.APPROVED


def test_an_illegal_approval_is_refused_as_illegal_not_as_a_conflict_of_duties(monday, association_user):
    """Approving an application not yet accepted is refused for its state, by anyone."""
    application = ApplicationFactory(submitted=True)
    with pytest.raises(ValidationError) as excinfo:
        services.application_approve(application=application, by=association_user)
    assert excinfo.value.code == "transition_not_allowed"
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED
