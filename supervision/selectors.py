"""Supervision reads: the population a plan draws from, what each role may see, and what the system
already knows about a checked item."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import Role
from exams.models import AssessmentResult
from people.models import Employer
from registry.models import Application, RegistrationCertificate
from registry.workflow import ApplicationState, CertificateState
from workdays.working_days import working_days_between

from .models import Check, Finding, InspectorConflict, Measure, Plan, PlanKind, PlanState

# The decisions an application check looks at: every application closed by a decision in the period.
DECIDED = (ApplicationState.NOT_ACCEPTED, ApplicationState.DENIED, ApplicationState.ISSUED)


def plan_population(plan: Plan) -> list[list[int | None]]:
    """[[entity id, its employer's id or None], …] ascending: what the plan draws from, now.

    - employers: active employers holding a registration certificate in force (valid), in the plan's
      prefecture if it names one;
    - assessments: every result recorded for a session held in the period;
    - applications: every application decided (not accepted, denied, issued) in the period.
    """
    if plan.kind == PlanKind.EMPLOYERS:
        employers = Employer.objects.filter(
            status=Employer.Status.ACTIVE,
            pk__in=RegistrationCertificate.objects.filter(state=CertificateState.VALID).values("employer_id"),
        )
        if plan.prefecture:
            employers = employers.filter(prefecture=plan.prefecture)
        return [[pk, pk] for pk in employers.order_by("pk").values_list("pk", flat=True)]
    if plan.kind == PlanKind.ASSESSMENTS:
        results = AssessmentResult.objects.filter(
            session__held_on__range=(plan.period_start, plan.period_end)
        ).order_by("pk")
        return [[pk, None] for pk in results.values_list("pk", flat=True)]
    applications = Application.objects.filter(
        state__in=DECIDED, closed_on__range=(plan.period_start, plan.period_end)
    ).order_by("pk")
    return [[pk, employer] for pk, employer in applications.values_list("pk", "employer_id")]


def _is_bureau(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.BUREAU)


def checks_visible_to(user: User) -> QuerySet[Check]:
    """The bureau sees every check; an inspector only those the draw assigned to them."""
    checks = Check.objects.select_related(
        "plan", "employer", "application__person", "assessment_result__person", "assessment_result__session"
    ).annotate(
        open_measures=Count("measures", filter=Q(measures__state="open"), distinct=True),
        problems=Count("findings", filter=Q(findings__found=True), distinct=True),
    )
    if _is_bureau(user):
        return checks
    return checks.filter(inspectors=user)


def check_for(user: User, pk: int) -> Check:
    """The check, if `user` may open it; otherwise 404 (an inspector cannot tell whether another
    inspector's check exists)."""
    try:
        return (
            checks_visible_to(user)
            .prefetch_related(
                "inspectors",
                Prefetch("findings", queryset=Finding.objects.select_related("certificate__person")),
                "evidence",
                Prefetch("measures", queryset=Measure.objects.select_related("certificate__person")),
            )
            .get(pk=pk)
        )
    except Check.DoesNotExist:
        raise Http404 from None


def plans_public() -> QuerySet[Plan]:
    """Plans drawn or completed (一公开), newest first, with counts of checks and of problems found."""
    return Plan.objects.exclude(state=PlanState.DRAFT).annotate(
        check_count=Count("checks", distinct=True),
        problem_count=Count("checks", filter=Q(checks__result="problems"), distinct=True),
    )


@dataclass(frozen=True)
class ApplicationFacts:
    """What the registry knows about a checked application, beside the inspector's findings."""

    application: Application
    acceptance_days: int | None  # working days from receipt to acceptance (or refusal)
    approval_days: int | None  # from acceptance to approval (or denial)
    issuance_days: int | None  # from approval to issue
    corrections: bool
    deemed_accepted: bool


def _days(start: dt.date | None, end: dt.date | None) -> int | None:
    if start is None or end is None:
        return None
    return working_days_between(start, end)


def application_facts(application: Application) -> ApplicationFacts:
    decided_at_acceptance = application.state == ApplicationState.NOT_ACCEPTED
    return ApplicationFacts(
        application=application,
        acceptance_days=_days(
            application.received_on,
            application.closed_on if decided_at_acceptance else application.accepted_on,
        ),
        approval_days=_days(
            application.accepted_on,
            application.closed_on
            if application.state == ApplicationState.DENIED
            else application.approved_on,
        ),
        issuance_days=_days(application.approved_on, application.issued_on),
        corrections=application.corrections_requested_on is not None,
        deemed_accepted=application.deemed_accepted,
    )


def findings_of_employer(employer: Employer) -> QuerySet[Finding]:
    """Problems found at `employer` by completed or ongoing checks, for staff pages."""
    return (
        Finding.objects.filter(check_row__employer=employer, found=True)
        .select_related("check_row__plan", "certificate__person")
        .order_by("-check_row__plan__period_start", "check_row_id", "id")
    )


def findings_of_person(person_id: int) -> QuerySet[Finding]:
    """Problems found concerning a holder's certificates, for staff pages."""
    return (
        Finding.objects.filter(certificate__person_id=person_id, found=True)
        .select_related("check_row__plan", "check_row__employer", "certificate")
        .order_by("-check_row__plan__period_start", "check_row_id", "id")
    )


def measures_open() -> QuerySet[Measure]:
    return Measure.objects.filter(state="open").select_related(
        "check_row__plan", "check_row__employer", "certificate__person"
    )


def certificates_in_force_at(employer: Employer) -> QuerySet[RegistrationCertificate]:
    """The employer's registration certificates in force (valid or suspended), with holder and projects:
    what an employer check looks at and what a finding or a measure may name."""
    return (
        RegistrationCertificate.objects.filter(
            employer=employer, state__in=(CertificateState.VALID, CertificateState.SUSPENDED)
        )
        .select_related("person")
        .prefetch_related("projects")
        .order_by("number")
    )


def plans_for_bureau() -> QuerySet[Plan]:
    """Every plan, newest period first, with its checks counted (all, completed) and its open measures."""
    return Plan.objects.annotate(
        check_count=Count("checks", distinct=True),
        completed_count=Count("checks", filter=Q(checks__state="completed"), distinct=True),
        open_measures=Count("checks__measures", filter=Q(checks__measures__state="open"), distinct=True),
    )


def plan_checks(plan: Plan) -> QuerySet[Check]:
    """The checks of `plan` in draw order, with what a plan page names them by (employer; session and
    project of an assessment; an application's number), their inspectors, open measures and the kinds of
    measure taken. A fixed number of queries whatever the number of checks."""
    return (
        plan.checks.select_related(
            "employer", "assessment_result__session", "assessment_result__project", "application"
        )
        .prefetch_related("inspectors", Prefetch("measures", queryset=Measure.objects.order_by("kind", "pk")))
        .annotate(open_measures=Count("measures", filter=Q(measures__state="open"), distinct=True))
        .order_by("position")
    )


@dataclass(frozen=True)
class SupervisionCounts:
    """The bureau's dashboard: plans by state, checks open and completed, measures still open."""

    plans: dict[str, int]
    checks_open: int
    checks_completed: int
    measures_open: int


def supervision_counts() -> SupervisionCounts:
    plans = dict.fromkeys(PlanState.values, 0)
    plans.update(Plan.objects.order_by().values_list("state").annotate(n=Count("pk")))
    checks = dict(Check.objects.order_by().values_list("state").annotate(n=Count("pk")))
    return SupervisionCounts(
        plans=plans,
        checks_open=sum(n for state, n in checks.items() if state != "completed"),
        checks_completed=checks.get("completed", 0),
        measures_open=Measure.objects.filter(state="open").count(),
    )


def conflicts_of(inspector: User) -> QuerySet[InspectorConflict]:
    """An inspector's own declarations, by employer name."""
    return InspectorConflict.objects.filter(inspector=inspector).select_related("employer")


def findings_of_certificate(certificate_id: int) -> QuerySet[Finding]:
    """Problems found concerning one registration certificate, for staff pages."""
    return (
        Finding.objects.filter(certificate_id=certificate_id, found=True)
        .select_related("check_row__plan", "check_row__employer", "certificate")
        .order_by("-check_row__plan__period_start", "check_row_id", "id")
    )


def _measures() -> QuerySet[Measure]:
    return Measure.objects.select_related(
        "check_row__plan", "check_row__employer", "certificate__person"
    ).order_by("-created_at", "-id")


def measures_of_employer(employer: Employer) -> QuerySet[Measure]:
    """Every measure ordered on a check of `employer`, newest first."""
    return _measures().filter(check_row__employer=employer)


def measures_of_person(person_id: int) -> QuerySet[Measure]:
    """Measures on a holder's certificates, and those of checks that found a problem concerning them."""
    concerned = Finding.objects.filter(certificate__person_id=person_id, found=True).values("check_row_id")
    return _measures().filter(Q(certificate__person_id=person_id) | Q(check_row__in=concerned))


def measures_of_certificate(certificate_id: int) -> QuerySet[Measure]:
    """Measures on one certificate, and those of checks that found a problem concerning it."""
    concerned = Finding.objects.filter(certificate_id=certificate_id, found=True).values("check_row_id")
    return _measures().filter(Q(certificate_id=certificate_id) | Q(check_row__in=concerned))
