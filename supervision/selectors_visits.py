"""Reads of the assistance visits and the feedback desk: an enterprise's own rows, and the bureau's lists."""

from django.db.models import QuerySet

from people.models import Employer

from .models import AssistanceVisit, Feedback


def employer_visits(*, employer: Employer) -> QuerySet[AssistanceVisit]:
    """The employer's visits, newest first; any other employer's visit is not in it (→ 404)."""
    return AssistanceVisit.objects.filter(employer=employer).select_related("employer")


def employer_feedback(*, employer: Employer) -> QuerySet[Feedback]:
    """Feedback sent from the employer's portal accounts, newest first."""
    return Feedback.objects.filter(employer=employer)


def visits_listed(*, state: str = "", prefecture: str = "") -> QuerySet[AssistanceVisit]:
    """Every visit, optionally in one state and of employers in one prefecture, with the employer."""
    visits = AssistanceVisit.objects.select_related("employer")
    if state:
        visits = visits.filter(state=state)
    if prefecture:
        visits = visits.filter(employer__prefecture=prefecture)
    return visits


def feedback_listed(*, state: str = "", topic: str = "", prefecture: str = "") -> QuerySet[Feedback]:
    """Every feedback, optionally in one state, on one topic, from employers of one prefecture."""
    rows = Feedback.objects.select_related("employer")
    if state:
        rows = rows.filter(state=state)
    if topic:
        rows = rows.filter(topic=topic)
    if prefecture:
        rows = rows.filter(employer__prefecture=prefecture)
    return rows
