"""The life of an application and of a registration certificate, readable in one place.

States are the TextChoices below; transitions are the `@transition` methods of `ApplicationWorkflow`
(the abstract base of `registry.models.Application`). A transition changes only its own row: it moves
the state and stamps the dates and stored deadlines. Everything else (locking, eligibility, the audit
row, certificates, notifications) is done by the services in `registry/services/applications.py`,
which are the only callers. `python manage.py workflow_diagram > docs/workflow.md` draws this graph.

Deadlines (DESIGN.md §2) are computed only by `registry.deadlines` and stored, so queues and sweeps
filter on indexed dates instead of counting working days per row:

- submitted: acceptance due 5 working days after receipt (`received_on`); resubmission restarts it;
- corrections requested: the clock stops (no current deadline);
- accepted: approval due 10 working days after receipt of the complete materials (`received_on`);
- approved: issuance due 5 working days after approval.

`current_due_on` holds the deadline that is running now (NULL when none runs); the review queue sorts
by it.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from common import text
from registry import deadlines


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CORRECTIONS_REQUESTED = "corrections_requested", _("Corrections requested")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationState

# States in which a working-day deadline runs, and the stored date it runs to.
OPEN_DEADLINE_FIELD = {
    S.SUBMITTED: "acceptance_due_on",
    S.ACCEPTED: "approval_due_on",
    S.APPROVED: "issuance_due_on",
}
FINAL_STATES = frozenset({S.NOT_ACCEPTED, S.DENIED, S.ISSUED, S.WITHDRAWN})


class Actor(models.TextChoices):
    """Who performs a transition (`custom["actor"]`).

    Every transition not the system's is started by a person with a button on the admin's change page
    (registry/admin/transitions.py), whose label is `custom["label"]` and whose confirmation form is the
    class in registry/forms.py named by `custom["form"]`. The system's transitions (deadline sweeps, and a
    certificate's end as part of issuing an application) have no button.
    """

    EMPLOYER = "employer", _("Employer")
    ASSOCIATION = "association", _("Association")
    SYSTEM = "system", _("System")


class ApplicationKind(models.TextChoices):
    """The kinds of application, and what each needs: the one definition (issue 12).

    The rules that use these properties are in registry/eligibility.py; `sheet_label` is the fixed Chinese
    of the spreadsheet format (the same whatever the page language), which users type or pick.
    """

    INITIAL = "initial", _("Initial registration")
    CHANGE_SPECIALTY = "change_specialty", _("Change of metrology specialty")
    CHANGE_EMPLOYER_NAME = "change_employer_name", _("Change of employer name")
    # The holder moves to another employer (变更执业单位): applied for by the NEW employer, on the
    # certificate held through the old one (docs/decisions/0091-change-of-employer-and-lapse.md).
    CHANGE_EMPLOYER = "change_employer", _("Change of employer")
    RENEWAL = "renewal", _("Renewal")
    CANCELLATION = "cancellation", _("Cancellation")

    @property
    def needs_target_certificate(self) -> bool:
        """Acts on a registration certificate the person holds (the application's target_certificate)."""
        return self is not ApplicationKind.INITIAL

    @property
    def moves_employer(self) -> bool:
        """Applied for by an employer that is NOT the one the certificate names: the holder's new one."""
        return self is ApplicationKind.CHANGE_EMPLOYER

    @property
    def needs_projects(self) -> bool:
        """Names metrology projects, each needing a valid assessment certificate."""
        return self in (ApplicationKind.INITIAL, ApplicationKind.CHANGE_SPECIALTY)

    @property
    def needs_qualification(self) -> bool:
        """Needs the registered metrologist qualification certificate of the level (pilot plan: initial)."""
        return self is ApplicationKind.INITIAL

    @property
    def needs_eligible_employer(self) -> bool:
        """Open only within the pilot window, to staff of an active, eligible employer: all but a
        cancellation, which ends a registration whatever the employer has become."""
        return self is not ApplicationKind.CANCELLATION

    @property
    def sheet_label(self) -> str:
        return {
            "initial": "初始注册",
            "change_specialty": "变更注册（变更专业）",
            "change_employer_name": "变更注册（单位更名）",
            "change_employer": "变更注册（变更执业单位）",
            "renewal": "延续注册",
            "cancellation": "注销注册",
        }[self.value]


class CertificateState(models.TextChoices):
    VALID = "valid", _("Valid")
    SUPERSEDED = "superseded", _("Superseded")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    LAPSED = "lapsed", _("Lapsed")
    SUSPENDED = "suspended", _("Suspended")


class LapseReason(models.TextChoices):
    """Why a registration lapsed by law (注册失效), recorded by staff with evidence. The category is public
    on /verify/; the note beside it is not (docs/decisions/0091-change-of-employer-and-lapse.md)."""

    DEATH = "death", _("The holder died")
    INCAPACITY = "incapacity", _("The holder lost civil capacity")
    MISSING = "missing", _("The holder was declared missing")
    LEFT_EMPLOYER = "left_employer", _("The holder left the employer without moving to another")


def _corrections_not_yet_requested(application: Any) -> bool:
    """The correction notice is one-time (一次性告知): it lists everything at once, never twice."""
    return application.corrections_requested_on is None


def acceptance_deadline_passed(application: Any, on: dt.date | None = None) -> bool:
    """The end of the 5th working day after receipt has passed (on day `on`, by default today).

    From then on the application *is* accepted from its receipt date (Administrative Licensing Law
    art. 32: 逾期不告知的，自收到申请材料之日起即为受理), whether or not the nightly sweep has run yet:
    it can no longer be refused acceptance or sent a correction notice, and an acceptance records the
    receipt date as a deemed acceptance (docs/decisions/0093-late-acceptance-decisions.md).
    """
    from django.utils import timezone

    due = application.acceptance_due_on
    return due is not None and (on or timezone.localdate()) > due


def _acceptance_deadline_passed(application: Any) -> bool:
    """Deemed acceptance only once the end of the 5th working day after receipt has passed."""
    return acceptance_deadline_passed(application)


def _acceptance_deadline_not_passed(application: Any) -> bool:
    """Not accepting and the correction notice are possible only within the acceptance deadline."""
    return not acceptance_deadline_passed(application)


def _not_the_acceptor(application: Any, user: Any) -> bool:
    """Separation of duties: with the setting on, whoever accepted may not approve or deny."""
    if not settings.REGISTRY_SEPARATE_ACCEPT_AND_APPROVE:
        return True
    return application.accepted_by_id is None or application.accepted_by_id != user.pk


class ProtectedStateMixin(ConcurrentTransitionMixin, models.Model):
    """The state field is protected (`protected=True`): only a transition moves it.

    Assigning `obj.state = ...` raises AttributeError; a row may still be constructed in a state
    (`Model(state=...)`, `objects.create`, `bulk_create`), and `refresh_from_db` reloads it
    (django-fsm's FSMModelMixin, via ConcurrentTransitionMixin). `full_clean` validates the state
    without assigning it back, which Django's `clean_fields` would otherwise try and fail.

    ConcurrentTransitionMixin makes a save fail if the stored state changed since the row was read:
    a second line of defence behind the services' `select_for_update`.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        exclude = set(exclude or ())
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude | {"state"})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "state" not in exclude:
            try:
                state: Any = self._meta.get_field("state")
                state.clean(state.value_from_object(self), self)
            except ValidationError as error:
                errors.setdefault("state", []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


class ApplicationWorkflow(ProtectedStateMixin):
    """The state machine of an application. Each method is one arrow of the graph."""

    state = FSMField(
        _("state"), max_length=30, choices=ApplicationState.choices, default=S.DRAFT, protected=True
    )
    received_on = models.DateField(_("materials received on"), null=True, blank=True)
    acceptance_due_on = models.DateField(_("acceptance due on"), null=True, blank=True)
    corrections_requested_on = models.DateField(_("corrections requested on"), null=True, blank=True)
    correction_items = models.JSONField(_("materials to correct"), default=list, blank=True)
    correction_note = models.TextField(_("correction note"), blank=True, validators=[text.multi_line])
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approval_due_on = models.DateField(_("approval due on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    issuance_due_on = models.DateField(_("issuance due on"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True, validators=[text.multi_line])
    current_due_on = models.DateField(_("due on"), null=True, blank=True)

    class Meta:
        abstract = True

    # --- submission ------------------------------------------------------------------------------
    @transition(
        field=state,
        source=S.DRAFT,
        target=S.SUBMITTED,
        custom={"label": _("Submit"), "actor": Actor.EMPLOYER, "form": "ConfirmForm"},
    )
    def submit(self, *, on: dt.date) -> None:
        self._receive(on)

    @transition(
        field=state,
        source=S.CORRECTIONS_REQUESTED,
        target=S.SUBMITTED,
        custom={"label": _("Resubmit"), "actor": Actor.EMPLOYER, "form": "ConfirmForm"},
    )
    def resubmit(self, *, on: dt.date) -> None:
        """Resubmitted materials restart the receipt date, and with it the acceptance clock."""
        self._receive(on)

    @transition(
        field=state,
        source=[S.DRAFT, S.SUBMITTED, S.CORRECTIONS_REQUESTED],
        target=S.WITHDRAWN,
        custom={"label": _("Withdraw"), "actor": Actor.EMPLOYER, "form": "OptionalReasonForm"},
    )
    def withdraw(self, *, on: dt.date, reason: str = "") -> None:
        self._close(on, reason)

    # --- acceptance (受理) -------------------------------------------------------------------------
    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.ACCEPTED,
        custom={"label": _("Accept"), "actor": Actor.ASSOCIATION, "form": "ConfirmForm"},
    )
    def accept(self, *, on: dt.date, user) -> None:
        """Accepted by a person within the deadline; past it, by law from the receipt date, whoever
        clicks (the service then records it as the system's deemed acceptance)."""
        if acceptance_deadline_passed(self, on):
            self._deem()
            return
        self._accept(on)
        self.accepted_by = user

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.ACCEPTED,
        conditions=[_acceptance_deadline_passed],
        custom={"label": _("Deem accepted"), "actor": Actor.SYSTEM},
    )
    def deem_accept(self, *, on: dt.date) -> None:
        """No decision or notice in time: accepted by law (never rejected), from the receipt date.

        `on` is the day the system noticed; the audit row keeps it. The acceptance date is the receipt.
        """
        self._deem()

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.NOT_ACCEPTED,
        conditions=[_acceptance_deadline_not_passed],
        custom={"label": _("Do not accept"), "actor": Actor.ASSOCIATION, "form": "ReasonForm"},
    )
    def not_accept(self, *, on: dt.date, reason: str) -> None:
        self._close(on, reason)

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.CORRECTIONS_REQUESTED,
        conditions=[_corrections_not_yet_requested, _acceptance_deadline_not_passed],
        custom={"label": _("Request corrections"), "actor": Actor.ASSOCIATION, "form": "CorrectionsForm"},
    )
    def request_corrections(self, *, on: dt.date, items: list[str], note: str) -> None:
        self.corrections_requested_on = on
        self.correction_items = list(items)
        self.correction_note = note
        self.acceptance_due_on = None
        self.current_due_on = None  # the clock stops until the employer resubmits

    # --- review (审批) and issuance ----------------------------------------------------------------
    @transition(
        field=state,
        source=S.ACCEPTED,
        target=S.APPROVED,
        permission=_not_the_acceptor,
        custom={"label": _("Approve"), "actor": Actor.ASSOCIATION, "form": "ApproveForm"},
    )
    def approve(self, *, on: dt.date) -> None:
        self.approved_on = on
        self.approval_due_on = None
        self.issuance_due_on = deadlines.issuance_due(on)
        self.current_due_on = self.issuance_due_on

    @transition(
        field=state,
        source=S.ACCEPTED,
        target=S.DENIED,
        permission=_not_the_acceptor,
        custom={"label": _("Deny"), "actor": Actor.ASSOCIATION, "form": "ReasonForm"},
    )
    def deny(self, *, on: dt.date, reason: str) -> None:
        self.approval_due_on = None
        self._close(on, reason)

    @transition(
        field=state,
        source=S.APPROVED,
        target=S.ISSUED,
        custom={"label": _("Issue"), "actor": Actor.ASSOCIATION, "form": "ConfirmForm"},
    )
    def issue(self, *, on: dt.date) -> None:
        self.issued_on = on
        self.issuance_due_on = None
        self.current_due_on = None
        self.closed_on = on

    # --- helpers -----------------------------------------------------------------------------------
    def _receive(self, on: dt.date) -> None:
        self.received_on = on
        self.acceptance_due_on = deadlines.acceptance_due(on)
        self.current_due_on = self.acceptance_due_on

    def _accept(self, on: dt.date) -> None:
        self.accepted_on = on
        self.acceptance_due_on = None
        self.approval_due_on = deadlines.approval_due(self._receipt())
        self.current_due_on = self.approval_due_on

    def _deem(self) -> None:
        """Accepted by law from the receipt date, by no one (art. 32)."""
        self._accept(self._receipt())
        self.deemed_accepted = True

    def _receipt(self) -> dt.date:
        if self.received_on is None:  # only a row written around the transitions can get here
            raise ValueError("an application past submission has a receipt date")
        return self.received_on

    def _close(self, on: dt.date, reason: str) -> None:
        self.decision_reason = reason
        self.acceptance_due_on = None
        self.current_due_on = None
        self.closed_on = on


class CertificateWorkflow(ProtectedStateMixin):
    """The state machine of a registration certificate: valid until one of five ends; suspended for a
    while by a supervision measure (still revocable, and it expires or lapses as a valid one does)."""

    state = FSMField(
        _("state"),
        max_length=20,
        choices=CertificateState.choices,
        default=CertificateState.VALID,
        protected=True,
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason"), blank=True)
    lapse_reason = models.CharField(
        _("reason for lapse"), max_length=20, choices=LapseReason.choices, blank=True
    )

    class Meta:
        abstract = True

    @transition(
        field=state,
        source=CertificateState.VALID,
        target=CertificateState.SUPERSEDED,
        custom={"label": _("Supersede"), "actor": Actor.SYSTEM},
    )
    def supersede(self, *, on: dt.date) -> None:
        """A change or renewal produced a new certificate for this registration."""
        self.ended_on = on

    @transition(
        field=state,
        source=CertificateState.VALID,
        target=CertificateState.CANCELLED,
        custom={"label": _("Cancel registration"), "actor": Actor.SYSTEM},
    )
    def cancel(self, *, on: dt.date) -> None:
        self.ended_on = on

    @transition(
        field=state,
        source=[CertificateState.VALID, CertificateState.SUSPENDED],
        target=CertificateState.REVOKED,
        custom={"label": _("Revoke"), "actor": Actor.ASSOCIATION, "form": "RevokeForm"},
    )
    def revoke(self, *, on: dt.date, reason: str) -> None:
        self.ended_on = on
        self.end_reason = reason

    @transition(
        field=state,
        source=CertificateState.VALID,
        target=CertificateState.SUSPENDED,
        custom={"label": _("Suspend"), "actor": Actor.ASSOCIATION, "form": "SuspendForm"},
    )
    def suspend(self, *, on: dt.date, reason: str) -> None:
        """The registration stops being valid from `on` until reinstated (a supervision measure, e.g.
        while a misuse found on a spot check is rectified). Its validity period runs on meanwhile."""
        self.ended_on = on
        self.end_reason = reason

    @transition(
        field=state,
        source=CertificateState.SUSPENDED,
        target=CertificateState.VALID,
        custom={"label": _("Reinstate"), "actor": Actor.ASSOCIATION, "form": "ReinstateForm"},
    )
    def reinstate(self, *, on: dt.date, reason: str) -> None:
        """Valid again (the suspension and its reason stay in the audit trail)."""
        self.ended_on = None
        self.end_reason = ""

    @transition(
        field=state,
        source=[CertificateState.VALID, CertificateState.SUSPENDED],
        target=CertificateState.EXPIRED,
        custom={"label": _("Expire"), "actor": Actor.SYSTEM},
    )
    def expire(self, *, on: dt.date) -> None:
        self.ended_on = on

    @transition(
        field=state,
        source=[CertificateState.VALID, CertificateState.SUSPENDED],
        target=CertificateState.LAPSED,
        custom={"label": _("Record lapse"), "actor": Actor.ASSOCIATION, "form": "LapseForm"},
    )
    def lapse(self, *, on: dt.date, reason: str, note: str) -> None:
        """The registration lapses by law (death, incapacity, declared missing, left without a move),
        from the day of the event, recorded by staff with evidence. Not a decision on an application."""
        self.ended_on = on
        self.lapse_reason = reason
        self.end_reason = note


def _unique(model) -> list:
    seen, result = set(), []
    for t in model._meta.get_field("state").get_all_transitions(model):
        if t.name not in seen:
            seen.add(t.name)
            result.append(t)
    return result


def transition_graph(model=None) -> list[tuple[str, str, str]]:
    """Every arrow (source, transition name, target), in declaration order: the diagram's source."""
    if model is None:
        from registry.models import Application as model
    field = model._meta.get_field("state")
    return [(str(t.source), t.name, str(t.target)) for t in field.get_all_transitions(model)]


def transition_label(name: str) -> str:
    from registry.models import Application

    for t in _unique(Application):
        if t.name == name:
            return str(t.custom.get("label", name))
    raise KeyError(name)


def state_label(value: str) -> str:
    """The label of an application or certificate state, or the value itself (audit rows keep slugs)."""
    for choices in (ApplicationState, CertificateState):
        if value in choices.values:
            return str(choices(value).label)
    return value


def action_label(name: str) -> str:
    """The label of a transition of either machine, for audit rows; unknown names as they are."""
    from registry.models import Application, RegistrationCertificate

    for model in (Application, RegistrationCertificate):
        for t in model._meta.get_field("state").get_all_transitions(model):
            if t.name == name:
                return str(t.custom.get("label", name))
    return {
        "create": str(_("Created")),
        "report_departure": str(_("Departure reported by the employer")),
        "deadline_moved": str(_("Deadline moved by a working-day calendar change")),
    }.get(name, name)
