"""Issue 14, item 3: once the acceptance deadline has passed, the application IS accepted from its receipt
date (Administrative Licensing Law art. 32), at the moment of every transition, whether or not the nightly
sweep has run: a late "not accept" or correction notice is refused, a late "accept" records the deemed
acceptance from the receipt date, and the admin offers no button that the law no longer allows.

The case of the issue: received Wednesday 30 September 2026, acceptance due Tuesday 13 October (National
Day 1-7 October off, Saturday 10 October a swapped working day); on 14 October before the sweep.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry.models import Application, AuditEntry
from registry.services import applications as services
from registry.workflow import ApplicationState
from tests.factories import ApplicationFactory
from tests.registry.conftest import at
from tests.registry.test_admin_transition_buttons import _buttons

pytestmark = pytest.mark.django_db
D = dt.date
RECEIVED = D(2026, 9, 30)
DUE = D(2026, 10, 13)


@pytest.fixture
def received():
    """An application submitted on 30 September 2026, with its stored deadline."""
    with time_machine.travel(at(RECEIVED), tick=False) as traveller:
        application = ApplicationFactory(submitted=True)
        assert application.acceptance_due_on == DUE
        yield application, traveller


def test_a_late_correction_notice_is_refused_and_the_clock_keeps_its_deadline(received, association_user):
    application, clock = received
    clock.move_to(at(DUE + dt.timedelta(days=1), hour=0))  # 00:00 on 10-14: the sweep runs at 00:20
    with pytest.raises(ValidationError) as excinfo:
        services.application_request_corrections(
            application=application, items=["photo"], note="照片不清晰", by=association_user
        )
    assert [e.code for e in excinfo.value.error_list] == ["acceptance_deadline_passed"]
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.corrections_requested_on is None
    assert application.acceptance_due_on == DUE
    assert not AuditEntry.objects.filter(application=application, transition="request_corrections").exists()


def test_a_late_non_acceptance_is_refused(received, association_user):
    application, clock = received
    clock.move_to(at(DUE + dt.timedelta(days=1)))
    with pytest.raises(ValidationError) as excinfo:
        services.application_not_accept(application=application, by=association_user, reason="材料不全")
    assert [e.code for e in excinfo.value.error_list] == ["acceptance_deadline_passed"]
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED


def test_a_late_accept_records_the_deemed_acceptance_from_the_receipt_date(received, association_user):
    application, clock = received
    clock.move_to(at(DUE + dt.timedelta(days=1)))
    accepted = services.application_accept(application=application, by=association_user)
    assert accepted.state == ApplicationState.ACCEPTED
    assert accepted.accepted_on == RECEIVED
    assert accepted.deemed_accepted is True
    assert accepted.accepted_by is None  # accepted by law, not by the person who clicked
    entry = AuditEntry.objects.get(application=application, transition="deem_accept")
    assert entry.is_system
    assert entry.by is None
    assert entry.detail == {"noticed_by": association_user.pk}
    assert not AuditEntry.objects.filter(application=application, transition="accept").exists()
    # The sweep finds nothing left to do.
    assert services.applications_deem_accepted_overdue() == []


def test_on_the_last_day_the_association_still_decides(received, association_user):
    application, clock = received
    clock.move_to(at(DUE, hour=23))
    notice = services.application_request_corrections(
        application=application, items=["photo"], note="", by=association_user
    )
    assert notice.state == ApplicationState.CORRECTIONS_REQUESTED
    other = ApplicationFactory(submitted=True, received_on=RECEIVED, acceptance_due_on=DUE)
    accepted = services.application_accept(application=other, by=association_user)
    assert (accepted.accepted_on, accepted.deemed_accepted, accepted.accepted_by) == (
        DUE,
        False,
        association_user,
    )


def test_the_admin_offers_only_accept_after_the_deadline(received, client, association_user):
    application, clock = received
    client.force_login(association_user)
    change = reverse("admin:registry_application_change", args=[application.pk])
    assert [name for name, _label in _buttons(client.get(change))] == [
        "accept",
        "not_accept",
        "request_corrections",
        "withdraw",
    ]
    clock.move_to(at(DUE + dt.timedelta(days=1)))
    client.force_login(association_user)  # the session of two weeks ago has timed out
    assert [name for name, _label in _buttons(client.get(change))] == ["accept", "withdraw"]
    # A posted late notice is refused with the reason, and nothing changes.
    url = reverse("admin:registry_application_transition", args=[application.pk, "not_accept"])
    response = client.post(url, {"reason": "材料不全"}, follow=True)
    assert "受理期限" in response.content.decode() or "acceptance deadline" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED
    # Accepting tells staff that the law accepted it from the receipt date.
    url = reverse("admin:registry_application_transition", args=[application.pk, "accept"])
    response = client.post(url, {}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any(RECEIVED.isoformat() in m for m in messages), messages
    assert Application.objects.get(pk=application.pk).deemed_accepted


def test_the_state_machine_itself_deems_a_late_acceptance(received, association_user):
    """Whoever calls the transition (not only the service): past the deadline `accept` records the deemed
    acceptance from the receipt date, never the clicker."""
    application, _clock = received
    application.accept(on=DUE + dt.timedelta(days=1), user=association_user)
    assert application.state == ApplicationState.ACCEPTED
    assert (application.accepted_on, application.deemed_accepted, application.accepted_by) == (
        RECEIVED,
        True,
        None,
    )
