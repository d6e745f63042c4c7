"""Read queries of employers and people."""

from django.db.models import Count, Q, QuerySet

from accounts.models import User

from .models import Employer, Prefecture


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
            refused=Count("id", filter=Q(status=Employer.Status.REFUSED)),
        )
        .order_by()
    )
    by_code = {row["prefecture"]: row for row in rows}
    empty = {"total": 0, "active": 0, "pending": 0, "suspended": 0, "refused": 0}
    return [{"prefecture": p, "label": p.label, **by_code.get(p.value, empty)} for p in Prefecture]


def employer_users(*, employer: Employer) -> QuerySet[User]:
    """The portal accounts of one employer, in one query, for its colleagues page."""
    return User.objects.filter(employer=employer).order_by("date_joined", "pk")
