"""Every write that moves an application, one service per transition (registry/workflow.py).

Each service: runs in a transaction, locks the row (`select_for_update`, so two staff acting at once
are serialised and the second sees the first's result), runs the FSM transition (which refuses an
illegal move), saves, appends the audit row, writes the employer's e-mail to the outbox, and schedules
other side effects with `transaction.on_commit`, so nothing is sent for a change that rolled back and
nothing is lost for one that committed. Refusals are `ValidationError`s with a message the
user can read.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, has_transition_perm

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from common import text
from exams.models import MetrologyProject
from people.models import Employer, Person
from registry.advisories import application_training
from registry.eligibility import application_eligibility_problems, certificate_holder_problem
from registry.materials import MaterialKind, describe_missing
from registry.models import Application, Batch, RegistrationCertificate
from registry.selectors import application_items_not_replaced, application_missing_materials
from registry.services.audit import audit_record
from registry.services.certificate_pdfs import certificate_pdf_enqueue
from registry.services.certificates import certificate_issue_for
from registry.services.decision_documents import decision_documents_after_transition
from registry.services.reminders import application_notify_employer_queue
from registry.workflow import ApplicationState, acceptance_deadline_passed, transition_label

# A check run on the locked row before a transition: (row, the transition method) -> None, or raises.
Check = Callable[[Application, Callable[..., Any]], None]


def _after_transition(application_id: int, transition: str) -> None:
    """Side effects of a committed transition that are not in its transaction: THE hook for certificate PDFs.

    Runs after commit only (transaction.on_commit). Once issued, asks a worker for the PDF of the new
    certificate; after an acceptance (deemed too), non-acceptance, correction notice or denial, for the
    written decision (registry/services/decision_documents.py). A broker that is down is logged, not
    raised, and the sweeps produce them later.
    (Certificates that end by this issuance, superseded or cancelled, are enqueued by
    registry/services/certificates.py; the employer's e-mail is already in the outbox, written by `_move`.)
    """
    if transition == "issue":
        produced = RegistrationCertificate.objects.filter(application_id=application_id)
        for certificate_id in produced.values_list("pk", flat=True):
            certificate_pdf_enqueue(certificate_id)
    decision_documents_after_transition(application_id, transition)


def _today() -> dt.date:
    return timezone.localdate()


def _not_allowed(application: Application, name: str, state: str | None = None) -> ValidationError:
    """The refusal, naming `state` (by default the application's own) and the action refused."""
    state = application.state if state is None else state
    return ValidationError(
        _(
            "This application is now “%(state)s”, so “%(action)s” is not possible. "
            "Someone may have acted on it at the same time: reload the page to see the current state."
        )
        % {"state": ApplicationState(state).label, "action": transition_label(name)},
        code="transition_not_allowed",
    )


def _move(
    application: Application,
    name: str,
    *,
    by: User | None,
    comment: str = "",
    detail: dict[str, Any] | None = None,
    check: Check | None = None,
    locked: Application | None = None,
    **kwargs: Any,
) -> Application:
    """Lock, (optionally check), transition, save, audit, queue the e-mail, schedule; in a transaction.

    `locked`: the row, when the caller already locked it in this transaction (no second lock query)."""
    if locked is None:
        locked = Application.objects.select_for_update().get(pk=application.pk)
    from_state = locked.state
    method = getattr(locked, name)
    if check is not None:
        check(locked, method)
    try:
        method(**kwargs)
        locked.save()
    except (TransitionNotAllowed, ConcurrentTransition):
        # The message names the state we found, not a half-moved one (the state is not assignable).
        raise _not_allowed(locked, name, from_state) from None
    entry = audit_record(
        application=locked,
        transition=name,
        from_state=from_state,
        to_state=locked.state,
        by=by,
        comment=comment,
        detail=detail,
    )
    # The employer's e-mail goes into the outbox in this transaction: it cannot be lost once the
    # transition commits, nor sent for one that rolls back (registry/services/notifications.py).
    application_notify_employer_queue(application=locked, entry=entry)
    transaction.on_commit(partial(_after_transition, locked.pk, name))
    return locked


def _require_legal(application: Application, method: Callable[..., Any]) -> None:
    from django_fsm import can_proceed

    if not can_proceed(method, check_conditions=False):
        raise _not_allowed(application, method.__name__)


def _require_ready(application: Application, method: Callable[..., Any]) -> None:
    """Submission needs complete materials and an eligible application; all problems at once."""
    _require_legal(application, method)
    problems = describe_missing(application_missing_materials(application=application))
    problems = [_("Missing material: %(item)s") % {"item": item} for item in problems]
    problems += [p.message for p in application_eligibility_problems(application, on=_today())]
    if problems:
        raise ValidationError([ValidationError(p, code="not_ready") for p in problems])


# --- the employer's acts (also done by staff in the admin for paper submissions) -----------------------
@transaction.atomic
def application_submit(
    *, application: Application, by: User, detail: dict[str, Any] | None = None
) -> Application:
    """draft → submitted. Receipt date today; acceptance due 5 working days later. `detail` goes into
    the audit row (a batch's submission records the truthfulness undertaking there)."""
    return _move(application, "submit", by=by, detail=detail, check=_require_ready, on=_today())


@transaction.atomic
def application_resubmit(*, application: Application, by: User) -> Application:
    """corrections requested → submitted. The receipt date restarts, and with it the 5 working days.

    Every material the correction notice lists must have been replaced: a file of that kind uploaded
    after the notice; else it is refused, naming what is still to replace."""

    def replaced_and_ready(locked: Application, method: Callable[..., Any]) -> None:
        _require_legal(locked, method)
        pending = application_items_not_replaced(application=locked)
        if pending:
            raise ValidationError(
                _(
                    "The correction notice asked you to replace: %(items)s. Upload a new file of each "
                    "before resubmitting."
                )
                % {"items": "、".join(str(MaterialKind(kind).label) for kind in pending)},
                code="corrections_not_replaced",
            )
        _require_ready(locked, method)

    return _move(application, "resubmit", by=by, check=replaced_and_ready, on=_today())


@transaction.atomic
def application_withdraw(*, application: Application, by: User, reason: str = "") -> Application:
    """Withdrawn by the employer before acceptance."""
    return _move(application, "withdraw", by=by, comment=reason, on=_today(), reason=reason)


# --- the association's acts ---------------------------------------------------------------------------
def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason: the employer is told it."), code="reason_required")
    return reason


def _require_within_acceptance_deadline(locked: Application, method: Callable[..., Any]) -> None:
    """Not accepting and the correction notice only until the acceptance deadline (registry/workflow.py:
    after it the application is accepted by law from its receipt date, whether or not the sweep ran)."""
    _require_legal(locked, method)
    if acceptance_deadline_passed(locked, _today()):
        raise ValidationError(
            _(
                "The acceptance deadline (%(due)s) has passed, so by law the application counts as "
                "accepted from the day its materials were received (%(received)s). It can no longer be "
                "refused acceptance or sent a correction notice: accept it to record the deemed acceptance."
            )
            % {"due": locked.acceptance_due_on, "received": locked.received_on},
            code="acceptance_deadline_passed",
        )


@transaction.atomic
def application_accept(*, application: Application, by: User) -> Application:
    """submitted → accepted (受理). Approval becomes due 10 working days after receipt.

    Past the acceptance deadline the application is already accepted by law, from its receipt date: the
    click records that deemed acceptance as the system's act (the audit row names who noticed it in its
    detail), never as this person's acceptance of today (docs/decisions/0093-late-acceptance-decisions.md).
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state == ApplicationState.SUBMITTED and acceptance_deadline_passed(locked, _today()):
        return _move(
            locked,
            "deem_accept",
            by=None,
            comment=_(
                "Deemed accepted: the acceptance deadline had passed when the association came to decide."
            ),
            detail={"noticed_by": by.pk},
            locked=locked,
            on=_today(),
        )
    return _move(locked, "accept", by=by, locked=locked, on=_today(), user=by)


@transaction.atomic
def application_not_accept(*, application: Application, by: User, reason: str) -> Application:
    """submitted → not accepted (不予受理), with the reason; only within the acceptance deadline."""
    reason = _require_reason(reason)
    return _move(
        application,
        "not_accept",
        by=by,
        comment=reason,
        check=_require_within_acceptance_deadline,
        on=_today(),
        reason=reason,
    )


@transaction.atomic
def application_request_corrections(
    *, application: Application, items: Iterable[str], note: str, by: User
) -> Application:
    """The one-time notice (一次性告知补正): every missing or defective material at once, and the
    acceptance clock stops until the employer resubmits. A second notice is refused."""
    items = list(dict.fromkeys(items))
    unknown = [item for item in items if item not in MaterialKind.values]
    if unknown:
        raise ValidationError(_("Unknown material kind: %(kinds)s") % {"kinds": ", ".join(unknown)})
    note = (note or "").strip()
    if not items and not note:
        raise ValidationError(
            _("List the missing or defective materials, or describe them in the note."),
            code="corrections_empty",
        )

    def once(locked: Application, method: Callable[..., Any]) -> None:
        _require_legal(locked, method)
        if locked.corrections_requested_on is not None:
            raise ValidationError(
                _("The one-time correction notice was already sent on %(date)s; it cannot be sent twice.")
                % {"date": locked.corrections_requested_on},
                code="corrections_once",
            )
        _require_within_acceptance_deadline(locked, method)

    return _move(
        application,
        "request_corrections",
        by=by,
        comment=note,
        detail={"items": items},
        check=once,
        on=_today(),
        items=items,
        note=note,
    )


def _require_other_reviewer(by: User) -> Check:
    def check(locked: Application, method: Callable[..., Any]) -> None:
        _require_legal(locked, method)
        if not has_transition_perm(method, by):
            raise ValidationError(
                _("You accepted this application, so another member of staff must decide on it."),
                code="separation_of_duties",
            )

    return check


@transaction.atomic
def application_approve(*, application: Application, by: User, override_reason: str = "") -> Application:
    """accepted → approved (审批通过), only if still eligible today; issuance due 5 working days later.

    A renewal whose holder has continuing-education years short of the requirement (registry/advisories.py)
    is approved only with `override_reason`, written by staff: the years and the reason are kept on the
    application and in the audit trail (Action.TRAINING_SHORTFALL_OVERRIDDEN). Without it, nothing changes.
    """
    override_reason = (override_reason or "").strip()
    text.multi_line(override_reason)  # invisible characters: refused, nothing changes
    overridden: list[int] = []

    def check(locked: Application, method: Callable[..., Any]) -> None:
        _require_other_reviewer(by)(locked, method)
        today = _today()
        problems = application_eligibility_problems(locked, on=today)
        if problems:
            raise ValidationError([ValidationError(p.message, code="not_eligible") for p in problems])
        training = application_training(locked, on=today)  # None: not a renewal, or no ledger
        advisories = training.advisories if training else []
        if advisories and not override_reason:
            message = _(
                "The holder's continuing education is short of the requirement in %(years)s. To approve the "
                "renewal all the same, write the reason in “Reason for approving despite the shortfall”."
            ) % {"years": "、".join(str(a.year) for a in advisories)}
            raise ValidationError(
                [ValidationError(message, code="training_shortfall")]
                + [ValidationError(a.message, code=a.code) for a in advisories]
            )
        if advisories:
            # Stored with the transition's own save, on the locked row.
            overridden[:] = [a.year for a in advisories]
            locked.training_override_years = list(overridden)
            locked.training_override_reason = override_reason

    approved = _move(application, "approve", by=by, check=check, on=_today())
    if overridden:
        audit_log(
            action=Action.TRAINING_SHORTFALL_OVERRIDDEN,
            actor=by,
            target=approved,
            detail={"years": overridden, "reason": override_reason},
        )
    return approved


@transaction.atomic
def application_deny(*, application: Application, by: User, reason: str) -> Application:
    """accepted → denied (不予批准), with the reason."""
    reason = _require_reason(reason)
    return _move(
        application,
        "deny",
        by=by,
        comment=reason,
        check=_require_other_reviewer(by),
        on=_today(),
        reason=reason,
    )


def _require_held_target(
    *,
    target: RegistrationCertificate | None,
    person_id: int | None,
    employer_id: int | None,
    kind: str,
) -> None:
    """The certificate an application acts on is the person's, held through the application's employer
    (for a change of employer: through another employer, the one the holder leaves)."""
    if target is None:
        return
    problem = certificate_holder_problem(target, person_id=person_id, employer_id=employer_id, kind=kind)
    if problem is not None:
        code, message = problem
        raise ValidationError(message, code=code)


def _require_issuable(locked: Application, method: Callable[..., Any]) -> None:
    """Checked again at issue: issuing must never re-home a certificate to another employer."""
    _require_legal(locked, method)
    _require_held_target(
        target=locked.target_certificate,
        person_id=locked.person_id,
        employer_id=locked.employer_id,
        kind=locked.kind,
    )


@transaction.atomic
def application_issue(*, application: Application, by: User) -> Application:
    """approved → issued: the certificate is created (or, for a cancellation, the old one cancelled)."""
    today = _today()
    locked = _move(application, "issue", by=by, check=_require_issuable, on=today)
    certificate_issue_for(application=locked, on=today, by=by)
    return locked


# --- the system's act ---------------------------------------------------------------------------------
@transaction.atomic
def application_deem_accepted(*, application: Application) -> Application:
    """No decision or notice by the acceptance deadline: accepted by law, recorded as the system's act.

    Never a rejection. Refused (TransitionNotAllowed → ValidationError) before the deadline has passed.
    """
    return _move(
        application,
        "deem_accept",
        by=None,
        comment=_("Deemed accepted: no decision or correction notice within the acceptance deadline."),
        on=_today(),
    )


def applications_deem_accepted_overdue(*, today: dt.date | None = None) -> list[int]:
    """Sweep: deem accepted every submitted application whose acceptance deadline has passed.

    Reads the stored, indexed deadline; each row gets its own transaction, so one failure stops nothing.
    """
    today = today or _today()
    ids = list(
        Application.objects.filter(state=ApplicationState.SUBMITTED, acceptance_due_on__lt=today)
        .order_by("acceptance_due_on", "pk")
        .values_list("pk", flat=True)
    )
    done = []
    for pk in ids:
        try:
            application_deem_accepted(application=Application(pk=pk))
        except ValidationError:
            continue  # decided meanwhile by a person: nothing to do
        done.append(pk)
    return done


# --- many at once -------------------------------------------------------------------------------------
@dataclass
class BulkResult:
    done: list[Application] = field(default_factory=list)
    failed: dict[int, list[str]] = field(default_factory=dict)  # application id → messages


def _bulk(service: Callable[..., Application], application_ids: Iterable[int], by: User) -> BulkResult:
    """Run `service` per row in one transaction, each row in its own savepoint: a refused row is
    reported and leaves no trace, the others go ahead. Rows are locked in id order (no deadlocks)."""
    result = BulkResult()
    with transaction.atomic():
        ids = list(
            Application.objects.select_for_update()
            .filter(pk__in=list(application_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in ids:
            try:
                with transaction.atomic():
                    result.done.append(service(application=Application(pk=pk), by=by))
            except ValidationError as error:
                result.failed[pk] = error.messages
    return result


def application_bulk_accept(*, application_ids: Iterable[int], by: User) -> BulkResult:
    return _bulk(application_accept, application_ids, by)


def application_bulk_issue(*, application_ids: Iterable[int], by: User) -> BulkResult:
    return _bulk(application_issue, application_ids, by)


@transaction.atomic
def application_create(
    *,
    kind: str,
    person: Person,
    employer: Employer,
    level: int,
    by: User,
    projects: Iterable[MetrologyProject] = (),
    target_certificate: RegistrationCertificate | None = None,
    batch: Batch | None = None,
) -> Application:
    """A new draft. Nothing is checked against the rules yet (submission does that, all at once), except
    that a target certificate must be the person's, held through `employer`: no path may even draft an
    application on another employer's certificate."""
    _require_held_target(target=target_certificate, person_id=person.pk, employer_id=employer.pk, kind=kind)
    application = Application(
        kind=kind,
        person=person,
        employer=employer,
        level=level,
        target_certificate=target_certificate,
        batch=batch,
        created_by=by,
    )
    application.full_clean()
    application.save()
    application.projects.set(projects)
    audit_record(
        application=application, transition="create", from_state="", to_state=application.state, by=by
    )
    return application
