"""Read queries of the registry. Every query an enterprise user triggers is scoped to its employer here."""

import datetime as dt
from collections.abc import Iterable

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


def employer_users(*, employer: Employer) -> QuerySet[User]:
    """The portal accounts of one employer, in one query, for its colleagues page."""
    return User.objects.filter(employer=employer).order_by("date_joined", "pk")


def valid_certificate_levels_for_people(
    *, person_ids: Iterable[int], on: dt.date
) -> dict[int, frozenset[int]]:
    """{person id: levels of the registration certificates valid on `on`}, in one query for all people.

    PLACEHOLDER until the workflow's RegistrationCertificate lands (branch `workflow`); the signature is
    final. The body then is: RegistrationCertificate.objects.filter(person_id__in=person_ids,
    state=VALID, valid_from__lte=on, valid_until__gte=on).values_list("person_id", "level").
    """
    return {}
