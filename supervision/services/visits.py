"""Assistance visits (指导帮扶): requested by an enterprise, planned, recorded or declined. Every change
here writes an audit event (Action.SUPERVISION_VISIT); the states are in supervision/models/visits.py."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.models import Action
from audit.services import audit_log
from common import text
from people.models import Employer
from supervision.models import AssistanceVisit, VisitOrigin, VisitState, VisitTopic

S = VisitState


def _topics(topics: list[str]) -> list[str]:
    topics = [t for t in VisitTopic.values if t in set(topics or [])]
    if not topics:
        raise ValidationError({"topics": _("Choose at least one topic.")}, code="topics")
    return topics


def _text(value: str, field: str, *, enterprise: bool = False) -> str:
    value = (value or "").strip()
    validator = text.multi_line_from_enterprise if enterprise else text.multi_line
    try:
        validator(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return value


def _staff_origin(by: User) -> str:
    """Association staff and the bureau run visits; the origin of one they plan themselves."""
    if by.is_superuser or by.has_role(Role.ASSOCIATION):
        return VisitOrigin.ASSOCIATION
    if by.has_role(Role.BUREAU):
        return VisitOrigin.BUREAU
    raise ValidationError(_("Only association staff or the bureau plan assistance visits."), code="role")


def _lock(visit: AssistanceVisit) -> AssistanceVisit:
    return AssistanceVisit.objects.select_for_update().get(pk=visit.pk)


@transaction.atomic
def visit_request(*, employer: Employer, by: User, topics: list[str], note: str) -> AssistanceVisit:
    """An enterprise's clerk asks for a visit on the topics chosen, saying what they need."""
    if by.employer_id != employer.pk:
        raise ValidationError(_("You can request visits only for your own employer."), code="not_yours")
    topics = _topics(topics)
    note = _text(note, "note", enterprise=True)
    if not note:
        raise ValidationError({"note": _("Say what you would like help with.")}, code="note")
    if AssistanceVisit.objects.filter(employer=employer, state=S.REQUESTED).count() >= 3:
        raise ValidationError(
            _(
                "Your employer has three requests awaiting an answer already; "
                "wait for the association's reply."
            ),
            code="too_many",
        )
    visit = AssistanceVisit.objects.create(
        employer=employer,
        origin=VisitOrigin.ENTERPRISE,
        state=S.REQUESTED,
        topics=topics,
        request_note=note,
        created_by=by,
    )
    audit_log(action=Action.SUPERVISION_VISIT, actor=by, target=visit, detail={"requested": topics})
    return visit


@transaction.atomic
def visit_plan(
    *,
    by: User,
    planned_on: dt.date | None,
    experts: str,
    topics: list[str],
    visit: AssistanceVisit | None = None,
    employer: Employer | None = None,
) -> AssistanceVisit:
    """Plan a requested visit, plan a new one for `employer` (the association's or the bureau's own
    initiative), or move a planned one to another day or other experts."""
    origin = _staff_origin(by)
    topics = _topics(topics)
    experts = _text(experts, "experts")
    if not experts:
        raise ValidationError({"experts": _("Name the experts who will visit.")}, code="experts")
    if planned_on is None:
        raise ValidationError({"planned_on": _("Give the day of the visit.")}, code="planned_on")
    if planned_on < timezone.localdate():
        raise ValidationError({"planned_on": _("The day of the visit cannot be in the past.")}, code="past")
    if visit is None:
        if employer is None:
            raise ValidationError({"employer": _("Choose the enterprise to visit.")}, code="employer")
        visit = AssistanceVisit(employer=employer, origin=origin, created_by=by)
        replanned = False
    else:
        visit = _lock(visit)
        if visit.state not in (S.REQUESTED, S.PLANNED):
            raise ValidationError(
                _("This visit is “%(state)s”: it cannot be planned any more.")
                % {"state": visit.get_state_display()},
                code="state",
            )
        replanned = visit.state == S.PLANNED
    visit.state = S.PLANNED
    visit.topics = topics
    visit.planned_on = planned_on
    visit.experts = experts
    visit.planned_at = timezone.now()
    visit.planned_by = by
    visit.save()
    audit_log(
        action=Action.SUPERVISION_VISIT,
        actor=by,
        target=visit,
        detail={"replanned" if replanned else "planned": planned_on.isoformat(), "topics": topics},
    )
    return visit


@transaction.atomic
def visit_record(
    *, visit: AssistanceVisit, by: User, findings: str, advice: str, follow_up: str
) -> AssistanceVisit:
    """Record what the experts found and advised, and the follow-up agreed: the visit is done."""
    _staff_origin(by)
    visit = _lock(visit)
    if visit.state != S.PLANNED:
        raise ValidationError(_("Only a planned visit is recorded."), code="state")
    if visit.planned_on and visit.planned_on > timezone.localdate():
        raise ValidationError(
            _("The visit is planned for a later day: record it once it took place."), code="early"
        )
    findings = _text(findings, "findings")
    advice = _text(advice, "advice")
    follow_up = _text(follow_up, "follow_up")
    if not findings:
        raise ValidationError({"findings": _("Say what the experts found.")}, code="findings")
    if not advice:
        raise ValidationError({"advice": _("Say what the experts advised.")}, code="advice")
    visit.findings, visit.advice, visit.follow_up = findings, advice, follow_up
    visit.state = S.DONE
    visit.done_at = timezone.now()
    visit.done_by = by
    visit.save()
    audit_log(action=Action.SUPERVISION_VISIT, actor=by, target=visit, detail={"done": True})
    return visit


@transaction.atomic
def visit_decline(*, visit: AssistanceVisit, by: User, reason: str) -> AssistanceVisit:
    """Decline a request, or call off a planned visit, with the reason the enterprise reads."""
    _staff_origin(by)
    visit = _lock(visit)
    if visit.state not in (S.REQUESTED, S.PLANNED):
        raise ValidationError(
            _("This visit is “%(state)s”: it cannot be declined any more.")
            % {"state": visit.get_state_display()},
            code="state",
        )
    reason = _text(reason, "reason")
    if not reason:
        raise ValidationError({"reason": _("Give the reason; the enterprise reads it.")}, code="reason")
    visit.state = S.DECLINED
    visit.decline_reason = reason
    visit.declined_at = timezone.now()
    visit.declined_by = by
    visit.save()
    audit_log(action=Action.SUPERVISION_VISIT, actor=by, target=visit, detail={"declined": True})
    return visit
