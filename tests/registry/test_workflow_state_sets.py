"""The two state sets of registry/workflow.py and what reads them (issue 13, item 3).

- `OPEN_DEADLINE_FIELD`: the states in which a working-day deadline runs. The staff digest and the
  employer's e-mail read it: a state dropped from it would silently stop the reminders for its rows.
- `FINAL_STATES`: the states an application never leaves. Eligibility reads it: an application in a
  final state no longer blocks a new one, every other one does.
"""

import datetime as dt

import pytest
from django.core import mail

from accounts.roles import Role
from registry.eligibility import application_eligibility_problems
from registry.services import applications as services
from registry.services.reminders import applications_digest, reminders_send_staff_digest
from registry.workflow import FINAL_STATES, ApplicationState, transition_graph
from tests.factories import ApplicationFactory, UserFactory
from tests.registry.conftest import MONDAY, ready_rename_application
from workdays.working_days import add_working_days

pytestmark = pytest.mark.django_db

RUNNING = ["submitted", "accepted", "approved"]  # the law's three clocks: acceptance, approval, issuance
STOPPED = ["draft", "corrections_requested", "not_accepted", "denied", "issued", "withdrawn"]
FINAL = ["not_accepted", "denied", "issued", "withdrawn"]


def _staff_digest_body(today: dt.date) -> str:
    UserFactory(role=Role.ASSOCIATION, email="staff@example.cn")
    assert reminders_send_staff_digest(today=today) == 1
    (message,) = mail.outbox
    return message.body


def test_the_states_split_into_running_and_stopped_clocks():
    assert sorted(RUNNING + STOPPED) == sorted(ApplicationState.values)


@pytest.mark.parametrize("state", RUNNING)
def test_staff_are_reminded_of_an_application_due_today_in_every_state_with_a_running_deadline(state, monday):
    application = ApplicationFactory(**{state: True})
    due = application.current_due_on
    assert due is not None
    digest = applications_digest(on=due)
    assert (digest.due_today, digest.due_soon, digest.overdue) == ([application], [], [])
    body = _staff_digest_body(due)
    assert "今日到期 (1)" in body
    assert application.number in body


@pytest.mark.parametrize("state", RUNNING)
def test_staff_are_reminded_of_an_overdue_application_in_every_state_with_a_running_deadline(state, monday):
    application = ApplicationFactory(**{state: True})
    late = application.current_due_on + dt.timedelta(days=1)
    digest = applications_digest(on=late)
    assert (digest.due_today, digest.due_soon, digest.overdue) == ([], [], [application])
    body = _staff_digest_body(late)
    assert "已超期 (1)" in body
    assert application.number in body


@pytest.mark.parametrize("state", RUNNING)
def test_staff_are_warned_of_an_application_due_within_two_working_days(state, monday):
    application = ApplicationFactory(**{state: True})
    digest = applications_digest(on=application.current_due_on - dt.timedelta(days=1))
    assert (digest.due_today, digest.due_soon, digest.overdue) == ([], [application], [])


@pytest.mark.parametrize("state", STOPPED)
def test_no_reminder_for_an_application_whose_clock_has_stopped(state, monday):
    """Even a stale stored date (a row written around the transitions) reminds no one."""
    ApplicationFactory(state=state, current_due_on=MONDAY - dt.timedelta(days=3))
    digest = applications_digest(on=MONDAY)
    assert digest.is_empty
    UserFactory(role=Role.ASSOCIATION, email="staff@example.cn")
    assert reminders_send_staff_digest(today=MONDAY) == 0
    assert mail.outbox == []


def _employer_mail_after(service, application, by, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        result = service(application=application, by=by, **kwargs)
    (message,) = mail.outbox
    return result, message.body


def test_the_employer_is_told_the_approval_deadline_on_acceptance(
    monday, association_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(submitted=True, employer__contact_email="hr@example.cn")
    result, body = _employer_mail_after(
        services.application_accept, application, association_user, django_capture_on_commit_callbacks
    )
    assert result.current_due_on == add_working_days(MONDAY, 10)
    assert f"协会将于 {result.current_due_on.isoformat()} 前作出决定。" in body


def test_the_employer_is_told_the_issuance_deadline_on_approval(
    monday, association_user, second_reviewer, django_capture_on_commit_callbacks
):
    application = ready_rename_application(submitted=True)
    application.employer.contact_email = "hr@example.cn"
    application.employer.save()
    application = services.application_accept(application=application, by=association_user)
    mail.outbox.clear()
    result, body = _employer_mail_after(
        services.application_approve, application, second_reviewer, django_capture_on_commit_callbacks
    )
    assert result.current_due_on == add_working_days(MONDAY, 5)
    assert f"协会将于 {result.current_due_on.isoformat()} 前作出决定。" in body


def test_the_employer_is_told_no_deadline_while_corrections_are_awaited(
    monday, association_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(submitted=True, employer__contact_email="hr@example.cn")
    _result, body = _employer_mail_after(
        services.application_request_corrections,
        application,
        association_user,
        django_capture_on_commit_callbacks,
        items=["photo"],
        note="",
    )
    assert "前作出决定" not in body


# --- the final states ---------------------------------------------------------------------------------
def test_the_final_states_are_exactly_those_without_a_way_out():
    sources = {source for source, _name, _target in transition_graph()}
    assert set(FINAL_STATES) == set(ApplicationState.values) - sources
    assert sorted(FINAL_STATES) == sorted(FINAL)


@pytest.mark.parametrize("state", ApplicationState.values)
def test_only_an_application_in_a_final_state_no_longer_blocks_a_new_one(state, monday):
    earlier = ApplicationFactory(state=state)
    new = ApplicationFactory(person=earlier.person, employer=earlier.employer, level=earlier.level)
    codes = {p.code for p in application_eligibility_problems(new, on=MONDAY)}
    assert ("application_in_progress" in codes) is (state not in FINAL)
