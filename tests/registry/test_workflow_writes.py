"""What every legal transition writes, field by field, for both machines (issue 13, item 3).

The graph test (test_workflow_graph.py) pins where each arrow goes; this table pins what the arrow
writes on its way. Each row starts from an application built in the source state with the dates and
deadlines the earlier transitions would have left (`BEFORE`), runs one transition, and compares EVERY
field of the workflow with `BEFORE[source]` updated by exactly the changes the row lists: a transition
that forgets a write, writes the wrong date, or touches a field it should leave alone fails its row.

The calendar: March 2026 has no public holiday, so the dates below are plain working-day counts.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django_fsm import TransitionNotAllowed

from registry.models import Application, RegistrationCertificate
from registry.workflow import OPEN_DEADLINE_FIELD, ApplicationWorkflow, CertificateWorkflow, transition_graph
from registry.workflow import ApplicationState as S
from registry.workflow import CertificateState as C
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED = dt.date(2026, 3, 2)  # Monday: the materials arrive
ACCEPTANCE_DUE = dt.date(2026, 3, 9)  # 5 working days after receipt
CORRECTIONS_ON = dt.date(2026, 3, 4)
ACCEPTED_ON = dt.date(2026, 3, 4)
APPROVAL_DUE = dt.date(2026, 3, 16)  # 10 working days after receipt (not after acceptance)
APPROVED_ON = dt.date(2026, 3, 5)
ISSUANCE_DUE = dt.date(2026, 3, 12)  # 5 working days after approval on 5 March
# Monday, the last day of the acceptance deadline: the day every transition below happens (deemed
# acceptance the day after, once the deadline has passed: `on_the_day`).
ON = dt.date(2026, 3, 9)
ON_PLUS_5 = dt.date(2026, 3, 16)  # 5 working days after ON: a new receipt's or a new approval's deadline

# Every field the application's workflow declares besides the state: each one is compared after every
# transition (`test_the_table_compares_every_field_of_the_workflow` keeps this list complete).
FIELDS = (
    "received_on",
    "acceptance_due_on",
    "corrections_requested_on",
    "correction_items",
    "correction_note",
    "accepted_on",
    "deemed_accepted",
    "accepted_by_id",
    "approval_due_on",
    "approved_on",
    "issuance_due_on",
    "issued_on",
    "closed_on",
    "decision_reason",
    "current_due_on",
)
EMPTY = {
    "received_on": None,
    "acceptance_due_on": None,
    "corrections_requested_on": None,
    "correction_items": [],
    "correction_note": "",
    "accepted_on": None,
    "deemed_accepted": False,
    "accepted_by_id": None,
    "approval_due_on": None,
    "approved_on": None,
    "issuance_due_on": None,
    "issued_on": None,
    "closed_on": None,
    "decision_reason": "",
    "current_due_on": None,
}
ACCEPTOR = "acceptor"  # a placeholder for the accepting staff member (a user made per test)

# What the earlier transitions left in each source state: the running deadline in current_due_on.
BEFORE = {
    S.DRAFT: {},
    S.SUBMITTED: {
        "received_on": RECEIVED,
        "acceptance_due_on": ACCEPTANCE_DUE,
        "current_due_on": ACCEPTANCE_DUE,
    },
    S.CORRECTIONS_REQUESTED: {
        "received_on": RECEIVED,
        "corrections_requested_on": CORRECTIONS_ON,
        "correction_items": ["photo"],
        "correction_note": "照片模糊",
    },
    S.ACCEPTED: {
        "received_on": RECEIVED,
        "accepted_on": ACCEPTED_ON,
        "accepted_by_id": ACCEPTOR,
        "approval_due_on": APPROVAL_DUE,
        "current_due_on": APPROVAL_DUE,
    },
    S.APPROVED: {
        "received_on": RECEIVED,
        "accepted_on": ACCEPTED_ON,
        "accepted_by_id": ACCEPTOR,
        "approved_on": APPROVED_ON,
        "issuance_due_on": ISSUANCE_DUE,
        "current_due_on": ISSUANCE_DUE,
    },
}

# (source, transition, its arguments besides `on`, the target, EXACTLY the fields it changes).
WRITES = [
    pytest.param(
        S.DRAFT,
        "submit",
        {},
        S.SUBMITTED,
        {"received_on": ON, "acceptance_due_on": ON_PLUS_5, "current_due_on": ON_PLUS_5},
        id="submit-receives-and-starts-the-acceptance-clock",
    ),
    pytest.param(
        S.CORRECTIONS_REQUESTED,
        "resubmit",
        {},
        S.SUBMITTED,
        # The notice stays on record (it is one-time): only the receipt and its clock restart.
        {"received_on": ON, "acceptance_due_on": ON_PLUS_5, "current_due_on": ON_PLUS_5},
        id="resubmit-restarts-receipt-and-acceptance-clock-keeps-the-notice",
    ),
    pytest.param(
        S.DRAFT,
        "withdraw",
        {"reason": "人员调离"},
        S.WITHDRAWN,
        {"decision_reason": "人员调离", "closed_on": ON},
        id="withdraw-draft-closes-with-the-reason",
    ),
    pytest.param(
        S.SUBMITTED,
        "withdraw",
        {"reason": "人员调离"},
        S.WITHDRAWN,
        {"decision_reason": "人员调离", "closed_on": ON, "acceptance_due_on": None, "current_due_on": None},
        id="withdraw-submitted-closes-and-clears-the-acceptance-deadline",
    ),
    pytest.param(
        S.CORRECTIONS_REQUESTED,
        "withdraw",
        {"reason": "人员调离"},
        S.WITHDRAWN,
        {"decision_reason": "人员调离", "closed_on": ON},
        id="withdraw-during-corrections-closes-with-the-reason",
    ),
    pytest.param(
        S.SUBMITTED,
        "accept",
        {"user": ACCEPTOR},
        S.ACCEPTED,
        {
            "accepted_on": ON,
            "accepted_by_id": ACCEPTOR,
            "acceptance_due_on": None,
            "approval_due_on": APPROVAL_DUE,
            "current_due_on": APPROVAL_DUE,
        },
        id="accept-stamps-day-and-acceptor-and-runs-approval-from-receipt",
    ),
    pytest.param(
        S.SUBMITTED,
        "deem_accept",
        {},
        S.ACCEPTED,
        {
            "accepted_on": RECEIVED,
            "deemed_accepted": True,
            "acceptance_due_on": None,
            "approval_due_on": APPROVAL_DUE,
            "current_due_on": APPROVAL_DUE,
        },
        id="deem-accept-accepts-from-receipt-by-nobody",
    ),
    pytest.param(
        S.SUBMITTED,
        "not_accept",
        {"reason": "非本省企业"},
        S.NOT_ACCEPTED,
        {"decision_reason": "非本省企业", "closed_on": ON, "acceptance_due_on": None, "current_due_on": None},
        id="not-accept-closes-and-clears-the-acceptance-deadline",
    ),
    pytest.param(
        S.SUBMITTED,
        "request_corrections",
        {"items": ["photo", "application_form"], "note": "照片须为白底"},
        S.CORRECTIONS_REQUESTED,
        {
            "corrections_requested_on": ON,
            "correction_items": ["photo", "application_form"],
            "correction_note": "照片须为白底",
            "acceptance_due_on": None,
            "current_due_on": None,
        },
        id="request-corrections-stamps-the-notice-and-stops-the-clock",
    ),
    pytest.param(
        S.ACCEPTED,
        "approve",
        {},
        S.APPROVED,
        {
            "approved_on": ON,
            "approval_due_on": None,
            "issuance_due_on": ON_PLUS_5,
            "current_due_on": ON_PLUS_5,
        },
        id="approve-stamps-day-and-runs-issuance-deadline",
    ),
    pytest.param(
        S.ACCEPTED,
        "deny",
        {"reason": "资格不符"},
        S.DENIED,
        {"decision_reason": "资格不符", "closed_on": ON, "approval_due_on": None, "current_due_on": None},
        id="deny-closes-and-clears-the-approval-deadline",
    ),
    pytest.param(
        S.APPROVED,
        "issue",
        {},
        S.ISSUED,
        {"issued_on": ON, "closed_on": ON, "issuance_due_on": None, "current_due_on": None},
        id="issue-stamps-and-closes-and-clears-the-issuance-deadline",
    ),
]


@pytest.fixture
def users():
    return {ACCEPTOR: UserFactory(username="acceptor")}


@pytest.fixture
def on_the_day(time_machine, request):
    """The clock on ON; for deemed acceptance, on the day after (the acceptance deadline has passed)."""
    day = ON
    if getattr(request.node, "callspec", None) and request.node.callspec.params.get("name") == "deem_accept":
        day = ON + dt.timedelta(days=1)
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)


def _resolve(values: dict, users: dict) -> dict:
    """The placeholders for users replaced by their ids (or the users, for a transition's argument)."""

    def one(key, value):
        if not (isinstance(value, str) and value in users):
            return value
        return users[value].pk if key.endswith("_id") else users[value]

    return {key: one(key, value) for key, value in values.items()}


def _built(state: str, users: dict) -> Application:
    """An unsaved application in `state` with the fields its earlier transitions would have written."""
    return Application(state=state, **_resolve(BEFORE[state], users))


def _fields(application: Application) -> dict:
    return {name: getattr(application, name) for name in FIELDS}


def test_the_table_compares_every_field_of_the_workflow():
    declared = {f.attname for f in ApplicationWorkflow._meta.get_fields() if f.concrete} - {"state"}
    assert declared == set(FIELDS)
    assert set(EMPTY) == set(FIELDS)


def test_the_table_has_a_row_for_every_legal_transition():
    rows = {(p.values[0], p.values[1], p.values[3]) for p in WRITES}
    assert rows == set(transition_graph())


@pytest.mark.parametrize(("source", "name", "kwargs", "target", "changes"), WRITES)
def test_each_transition_writes_exactly_its_fields(source, name, kwargs, target, changes, users, on_the_day):
    application = _built(source, users)
    assert _fields(application) == {**EMPTY, **_resolve(BEFORE[source], users)}  # the row starts as stated
    getattr(application, name)(on=ON, **_resolve(kwargs, users))
    assert application.state == target
    assert _fields(application) == {**EMPTY, **_resolve(BEFORE[source], users), **_resolve(changes, users)}


@pytest.mark.parametrize(("source", "name", "kwargs", "target", "changes"), WRITES)
def test_the_current_deadline_is_the_open_deadline_of_the_new_state(
    source, name, kwargs, target, changes, users, on_the_day
):
    """`current_due_on` mirrors the stored deadline of the state (OPEN_DEADLINE_FIELD), and is empty in
    every other state: the queue and the reminders read only `current_due_on`."""
    application = _built(source, users)
    getattr(application, name)(on=ON, **_resolve(kwargs, users))
    if target in OPEN_DEADLINE_FIELD:
        assert application.current_due_on is not None
        assert application.current_due_on == getattr(application, OPEN_DEADLINE_FIELD[target])
    else:
        assert application.current_due_on is None


def test_the_correction_notice_keeps_its_own_copy_of_the_items(on_the_day):
    """What the notice listed stays as sent, even if the caller's list changes afterwards."""
    application = Application(state=S.SUBMITTED, received_on=RECEIVED, acceptance_due_on=ACCEPTANCE_DUE)
    items = ["photo"]
    application.request_corrections(on=ON, items=items, note="")
    items.append("application_form")
    assert application.correction_items == ["photo"]


@pytest.mark.parametrize("name", ["accept", "deem_accept"])
def test_acceptance_of_a_row_without_a_receipt_date_is_refused_loudly(name, users, on_the_day):
    """The approval deadline runs from the receipt: a row written around the transitions, without one,
    raises instead of silently running from the wrong day."""
    application = Application(state=S.SUBMITTED, acceptance_due_on=ACCEPTANCE_DUE)
    kwargs = {"user": users[ACCEPTOR]} if name == "accept" else {}
    with pytest.raises(ValueError, match="receipt date"):
        getattr(application, name)(on=ON, **kwargs)


# --- the registration certificate ----------------------------------------------------------------------
# A suspension (a supervision measure, issue 16) is not an end: a suspended certificate can still be
# revoked, expire or lapse, or be reinstated, but not superseded or cancelled by an application.
CERTIFICATE_GRAPH = {
    "supersede": {C.VALID: C.SUPERSEDED},
    "cancel": {C.VALID: C.CANCELLED},
    "revoke": {C.VALID: C.REVOKED, C.SUSPENDED: C.REVOKED},
    "suspend": {C.VALID: C.SUSPENDED},
    "reinstate": {C.SUSPENDED: C.VALID},
    "expire": {C.VALID: C.EXPIRED, C.SUSPENDED: C.EXPIRED},
    "lapse": {C.VALID: C.LAPSED, C.SUSPENDED: C.LAPSED},
}
CERTIFICATE_ARGS = {
    "supersede": {},
    "cancel": {},
    "revoke": {"reason": "以欺骗手段取得注册"},
    "suspend": {"reason": "抽查发现挂靠，限期整改"},
    "reinstate": {"reason": "已整改"},
    "expire": {},
    "lapse": {"reason": "death", "note": "死亡证明"},
}
# Revocation has a reason, a lapse its category and staff's note: the others are the system's acts, their
# reason is the transition itself.
CERTIFICATE_WRITES = {
    "supersede": {"ended_on": ON, "end_reason": "", "lapse_reason": ""},
    "cancel": {"ended_on": ON, "end_reason": "", "lapse_reason": ""},
    "revoke": {"ended_on": ON, "end_reason": "以欺骗手段取得注册", "lapse_reason": ""},
    "suspend": {"ended_on": ON, "end_reason": "抽查发现挂靠，限期整改", "lapse_reason": ""},
    # Valid again: the suspension's day and reason are cleared (the audit trail keeps them).
    "reinstate": {"ended_on": None, "end_reason": "", "lapse_reason": ""},
    "expire": {"ended_on": ON, "end_reason": "", "lapse_reason": ""},
    "lapse": {"ended_on": ON, "end_reason": "死亡证明", "lapse_reason": "death"},
}


def test_the_certificate_table_covers_exactly_the_declared_graph():
    declared = set(transition_graph(RegistrationCertificate))
    pinned = {(src, name, dst) for name, arrows in CERTIFICATE_GRAPH.items() for src, dst in arrows.items()}
    assert declared == pinned
    declared_fields = {f.attname for f in CertificateWorkflow._meta.get_fields() if f.concrete}
    assert declared_fields - {"state"} == {"ended_on", "end_reason", "lapse_reason"}


@pytest.mark.parametrize("state", C.values)
@pytest.mark.parametrize("name", CERTIFICATE_GRAPH)
def test_a_certificate_ends_once_and_the_end_writes_its_day(state, name):
    certificate = RegistrationCertificate(state=state)
    target = CERTIFICATE_GRAPH[name].get(state)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            getattr(certificate, name)(on=ON, **CERTIFICATE_ARGS[name])
        assert (
            certificate.state,
            certificate.ended_on,
            certificate.end_reason,
            certificate.lapse_reason,
        ) == (
            state,
            None,
            "",
            "",
        )
    else:
        getattr(certificate, name)(on=ON, **CERTIFICATE_ARGS[name])
        assert certificate.state == target
        written = {
            "ended_on": certificate.ended_on,
            "end_reason": certificate.end_reason,
            "lapse_reason": certificate.lapse_reason,
        }
        assert written == CERTIFICATE_WRITES[name]
