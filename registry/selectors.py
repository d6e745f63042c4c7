"""Read queries of the registry. Every query an enterprise user triggers is scoped to its employer here."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from accounts.models import User

from .materials import missing_materials
from .models import Application, Employer, Material, Prefecture


def employer_of(*, user: User) -> Employer | None:
    """The employer an enterprise user acts for, or None (not an enterprise user, or not linked yet)."""
    if not user.is_authenticated or user.employer_id is None:
        return None
    return user.employer


def employer_counts_by_prefecture() -> list[dict]:
    """One row per prefecture: employers by status, in one query, prefectures in the official order."""
    rows = (
        Employer.objects.values("prefecture")
        .annotate(
            total=Count("id"),
            active=Count("id", filter=Q(status=Employer.Status.ACTIVE)),
            pending=Count("id", filter=Q(status=Employer.Status.PENDING)),
            suspended=Count("id", filter=Q(status=Employer.Status.SUSPENDED)),
        )
        .order_by()
    )
    by_code = {row["prefecture"]: row for row in rows}
    empty = {"total": 0, "active": 0, "pending": 0, "suspended": 0}
    return [{"prefecture": p, "label": p.label, **by_code.get(p.value, empty)} for p in Prefecture]


def employers_visible_to(*, user: User) -> QuerySet[Employer]:
    if user.is_superuser or user.works_in_admin:
        return Employer.objects.all()
    if user.employer_id is not None:
        return Employer.objects.filter(pk=user.employer_id)
    return Employer.objects.none()


def applications_missing_materials(*, applications: Iterable[Application]) -> dict[int, dict[str, int]]:
    """{application id: {material kind: how many more needed}} for many applications, in one query."""
    applications = list(applications)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Material.objects.filter(application__in=[a.pk for a in applications])
        .values_list("application_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for application_id, kind, n in rows:
        counts[application_id][kind] = n
    return {a.pk: missing_materials(a.kind, counts.get(a.pk, {})) for a in applications}


def application_missing_materials(*, application: Application) -> dict[str, int]:
    return applications_missing_materials(applications=[application])[application.pk]


def review_queue() -> QuerySet[Application]:
    """Applications for the association's queue, with what every row shows joined in (one query)."""
    return Application.objects.select_related("person", "employer", "target_certificate")
