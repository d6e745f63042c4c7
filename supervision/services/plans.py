"""Spot-check plans: created and changed by the bureau while drafts, drawn once, completed once."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.redact import redact
from audit.services import audit_log
from supervision.draw import DrawnCheck, draw, sample_count, seed_new
from supervision.models import Check, CheckState, InspectorConflict, Plan, PlanKind, PlanState
from supervision.selectors import plan_population

PLAN_FIELDS = (
    "title",
    "kind",
    "period_start",
    "period_end",
    "prefecture",
    "sample_size",
    "sample_percent",
    "inspectors_per_check",
    "description",
)


def _validate(plan: Plan, inspectors: list[User]) -> None:
    if plan.period_end < plan.period_start:
        raise ValidationError(_("The period ends before it starts."), code="period")
    if (plan.sample_size is None) == (plan.sample_percent is None):
        raise ValidationError(
            _("Give either the number of entities to check or a percentage of them, not both."),
            code="size",
        )
    if plan.prefecture and plan.kind != PlanKind.EMPLOYERS:
        raise ValidationError(_("Only a check of employers is limited to a prefecture."), code="prefecture")
    if plan.inspectors_per_check < 2:
        raise ValidationError(_("Every check needs at least two inspectors."), code="per_check")
    if len(inspectors) < plan.inspectors_per_check:
        raise ValidationError(
            _("Choose at least %(need)d inspectors for the pool.") % {"need": plan.inspectors_per_check},
            code="pool_small",
        )
    plan.full_clean(exclude=["created_by", "inspectors"])


@transaction.atomic
def plan_create(*, by: User, inspectors: list[User], **fields: Any) -> Plan:
    """A draft plan by the bureau; nothing is public until it is drawn."""
    plan = Plan(created_by=by, **{k: fields.get(k) for k in PLAN_FIELDS if k in fields})
    plan.prefecture = plan.prefecture or ""
    plan.description = plan.description or ""
    _validate(plan, inspectors)
    plan.save()
    plan.inspectors.set(inspectors)
    audit_log(action=Action.SUPERVISION_PLAN, actor=by, target=plan, detail={"created": True})
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, by: User, inspectors: list[User], **fields: Any) -> Plan:
    """Change a draft; a drawn plan is fixed (its draw is public and repeatable)."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.state != PlanState.DRAFT:
        raise ValidationError(_("A plan can be changed only before its draw."), code="drawn")
    changed = [k for k in PLAN_FIELDS if k in fields and getattr(locked, k) != fields[k]]
    for key in changed:
        setattr(locked, key, fields[key] if fields[key] is not None or key.startswith("sample") else "")
    _validate(locked, inspectors)
    locked.save()
    locked.inspectors.set(inspectors)
    audit_log(action=Action.SUPERVISION_PLAN, actor=by, target=locked, detail={"changed": changed})
    return locked


def _drawn(plan: Plan) -> list[DrawnCheck]:
    """The draw of `plan` from its stored inputs."""
    population = [entity for entity, _employer in plan.population]
    return draw(
        seed=plan.seed,
        population=population,
        count=sample_count(len(population), size=plan.sample_size, percent=plan.sample_percent),
        pool=plan.pool,
        per_check=plan.inspectors_per_check,
        conflicts=[tuple(pair) for pair in plan.conflicts],
        employer_of=dict(plan.population),
    )


@transaction.atomic
def plan_draw(*, plan: Plan, by: User, seed: str | None = None) -> list[Check]:
    """Draw the plan: snapshot the population, the pool and the conflicts declared now, draw with a new
    seed, create one check per entity drawn with its inspectors, and publish the plan. All or nothing:
    a draw that cannot honour the conflicts saves nothing and says why."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.state != PlanState.DRAFT:
        raise ValidationError(_("This plan was drawn already; a draw is never repeated."), code="drawn")
    pool = sorted(locked.inspectors.values_list("pk", flat=True))
    locked.population = plan_population(locked)
    locked.pool = pool
    locked.conflicts = sorted(
        [inspector, employer]
        for inspector, employer in InspectorConflict.objects.filter(inspector__in=pool).values_list(
            "inspector_id", "employer_id"
        )
    )
    locked.seed = seed or seed_new()
    drawn = _drawn(locked)
    field = {
        PlanKind.EMPLOYERS: "employer_id",
        PlanKind.ASSESSMENTS: "assessment_result_id",
        PlanKind.APPLICATIONS: "application_id",
    }[PlanKind(locked.kind)]
    checks = Check.objects.bulk_create(
        [Check(plan=locked, position=n, **{field: d.entity}) for n, d in enumerate(drawn, start=1)]
    )
    Through = Check.inspectors.through
    Through.objects.bulk_create(
        [Through(check_id=c.pk, user_id=u) for c, d in zip(checks, drawn, strict=True) for u in d.inspectors]
    )
    locked.state = PlanState.DRAWN
    locked.drawn_at = timezone.now()
    locked.drawn_by = by
    locked.save()
    audit_log(
        action=Action.SUPERVISION_DRAWN,
        actor=by,
        target=locked,
        detail={
            "seed": locked.seed,
            "population": len(locked.population),
            "drawn": len(drawn),
            "pool": len(pool),
            "conflicts": len(locked.conflicts),
        },
    )
    return checks


def plan_draw_again(plan: Plan) -> tuple[list[DrawnCheck], list[DrawnCheck]]:
    """(the draw repeated from the stored inputs, the checks the plan holds), in the same shape: equal
    when the stored draw is genuine. Reads only."""
    repeated = _drawn(plan)
    stored = [
        DrawnCheck(
            entity=c.target_id,
            inspectors=tuple(sorted(u.pk for u in c.inspectors.all())),
        )
        for c in plan.checks.order_by("position").prefetch_related("inspectors")
    ]
    return repeated, stored


@transaction.atomic
def plan_complete(*, plan: Plan, by: User, summary: str, on: dt.datetime | None = None) -> Plan:
    """Close a drawn plan whose checks are all completed and publish its results (一公开) with the
    bureau's summary, which must hold no personal data (the public page prints only entity names and
    results, never people)."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.state != PlanState.DRAWN:
        raise ValidationError(_("Only a drawn plan can be completed."), code="state")
    open_checks = locked.checks.exclude(state=CheckState.COMPLETED).count()
    if open_checks:
        raise ValidationError(
            _("%(n)d checks of this plan are not completed yet.") % {"n": open_checks}, code="open_checks"
        )
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Write the summary of results to publish."), code="summary")
    if redact(summary) != summary:
        raise ValidationError(
            _("The summary is published: remove the resident ID number or mobile number from it."),
            code="personal_data",
        )
    locked.results_summary = summary
    locked.state = PlanState.COMPLETED
    locked.completed_at = on or timezone.now()
    locked.save()
    audit_log(action=Action.SUPERVISION_PLAN, actor=by, target=locked, detail={"completed": True})
    return locked
