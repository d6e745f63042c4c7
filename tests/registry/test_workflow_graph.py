"""One table pins the whole transition graph: every state × every transition, legal or refused."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django_fsm import TransitionNotAllowed

from registry.models import Application, RegistrationCertificate
from registry.workflow import ApplicationState as S
from registry.workflow import transition_graph

pytestmark = pytest.mark.django_db

ANY = object()
# transition → {source: target}. Everything not listed must raise TransitionNotAllowed.
GRAPH = {
    "submit": {S.DRAFT: S.SUBMITTED},
    "resubmit": {S.CORRECTIONS_REQUESTED: S.SUBMITTED},
    "withdraw": {S.DRAFT: S.WITHDRAWN, S.SUBMITTED: S.WITHDRAWN, S.CORRECTIONS_REQUESTED: S.WITHDRAWN},
    "accept": {S.SUBMITTED: S.ACCEPTED},
    "deem_accept": {S.SUBMITTED: S.ACCEPTED},
    "not_accept": {S.SUBMITTED: S.NOT_ACCEPTED},
    "request_corrections": {S.SUBMITTED: S.CORRECTIONS_REQUESTED},
    "approve": {S.ACCEPTED: S.APPROVED},
    "deny": {S.ACCEPTED: S.DENIED},
    "issue": {S.APPROVED: S.ISSUED},
}
ARGS = {
    "submit": {},
    "resubmit": {},
    "withdraw": {"reason": ""},
    "accept": {"user": None},
    "deem_accept": {},
    "not_accept": {"reason": "x"},
    "request_corrections": {"items": ["photo"], "note": "x"},
    "approve": {},
    "deny": {"reason": "x"},
    "issue": {},
}
TODAY = dt.date(2026, 3, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _in_state(state: str, *, deadline_passed: bool = True) -> Application:
    """An unsaved application in `state` whose transition conditions hold (the acceptance deadline has
    passed for deemed acceptance, not yet for a decision or notice of the association; no correction
    notice sent yet), so only the graph decides."""
    return Application(
        state=state,
        received_on=dt.date(2026, 1, 5) if deadline_passed else TODAY,
        acceptance_due_on=dt.date(2026, 1, 12) if deadline_passed else dt.date(2026, 3, 9),
        approved_on=dt.date(2026, 1, 20),
    )


def test_the_table_covers_exactly_the_declared_graph():
    declared = {(src, name, dst) for src, name, dst in transition_graph()}
    pinned = {(src, name, dst) for name, arrows in GRAPH.items() for src, dst in arrows.items()}
    assert declared == pinned


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("name", GRAPH)
def test_every_state_and_transition(state, name, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False)
    application = _in_state(state, deadline_passed=name == "deem_accept")
    method = getattr(application, name)
    expected = GRAPH[name].get(state)
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            method(on=TODAY, **ARGS[name])
        assert application.state == state
    else:
        method(on=TODAY, **ARGS[name])
        assert application.state == expected


def test_final_states_have_no_way_out():
    sources = {src for src, _n, _d in transition_graph()}
    assert sources.isdisjoint({S.NOT_ACCEPTED, S.DENIED, S.ISSUED, S.WITHDRAWN})


@pytest.mark.parametrize("name", ["not_accept", "request_corrections"])
def test_no_refusal_or_notice_once_the_acceptance_deadline_has_passed(name, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False)
    application = _in_state(S.SUBMITTED)  # due 2026-01-12: accepted by law since
    with pytest.raises(TransitionNotAllowed):
        getattr(application, name)(on=TODAY, **ARGS[name])
    assert application.state == S.SUBMITTED


def test_the_correction_notice_is_one_time():
    application = _in_state(S.SUBMITTED, deadline_passed=False)
    application.corrections_requested_on = dt.date(2026, 1, 6)
    with pytest.raises(TransitionNotAllowed):
        application.request_corrections(on=TODAY, items=["photo"], note="again")


def test_deemed_acceptance_waits_for_the_end_of_the_deadline_day(time_machine):
    application = _in_state(S.SUBMITTED)
    time_machine.move_to(dt.datetime(2026, 1, 12, 23, 59, tzinfo=SHANGHAI), tick=False)  # the last day itself
    with pytest.raises(TransitionNotAllowed):
        application.deem_accept(on=dt.date(2026, 1, 12))
    time_machine.move_to(dt.datetime(2026, 1, 13, 0, 1, tzinfo=SHANGHAI), tick=False)
    application.deem_accept(on=dt.date(2026, 1, 13))
    assert application.state == S.ACCEPTED
    assert application.accepted_on == dt.date(2026, 1, 5)  # accepted from the receipt date


def test_no_deemed_acceptance_without_a_stored_acceptance_deadline(time_machine):
    """Only a passed deadline deems an application accepted: a row without one (written around the
    transitions) waits for a person, however late it is."""
    time_machine.move_to(dt.datetime(2027, 1, 4, 10, tzinfo=SHANGHAI), tick=False)
    application = Application(state=S.SUBMITTED, received_on=dt.date(2026, 1, 5))
    with pytest.raises(TransitionNotAllowed):
        application.deem_accept(on=dt.date(2027, 1, 4))
    assert application.state == S.SUBMITTED


# Every arrow of the registration certificate's machine: it ends once, in one of five ways (issue 14
# item 7 added the lapse by law, docs/decisions/0091-change-of-employer-and-lapse.md); a supervision
# measure may suspend it until reinstated, and a suspended one can still be revoked, expire or lapse, but
# not be changed, renewed or cancelled (issue 16, docs/decisions/0098-measures-on-certificates.md).
CERTIFICATE_ARROWS = {
    ("valid", "supersede", "superseded"),
    ("valid", "cancel", "cancelled"),
    ("valid", "revoke", "revoked"),
    ("suspended", "revoke", "revoked"),
    ("valid", "suspend", "suspended"),
    ("suspended", "reinstate", "valid"),
    ("valid", "expire", "expired"),
    ("suspended", "expire", "expired"),
    ("valid", "lapse", "lapsed"),
    ("suspended", "lapse", "lapsed"),
}


def test_the_certificate_arrows_are_exactly_these():
    assert set(transition_graph(RegistrationCertificate)) == CERTIFICATE_ARROWS
