"""Reads of the continuing-education ledger: yearly compliance, by set-based queries.

`yearly_compliance` answers, for every holder registered during some part of the given years, the hours
confirmed, the hours required (training.rules, pro rata by the days registered) and the shortfall, in two
queries whatever the number of holders or participations: one for the certificates that give the days
registered, one aggregate over the participations grouped by person and year.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from people.models import Employer, Person
from registry.models import RegistrationCertificate

from . import rules
from .models import Activity, Participation, ParticipationState, Subject

ZERO = Decimal("0")


@dataclass(frozen=True)
class YearCompliance:
    """One holder's year: who, for which employer (the one their registration named last that year),
    the days registered, hours required, confirmed (in all and professional) and awaiting confirmation."""

    person_id: int
    person_name: str
    employer_id: int
    employer_name: str
    prefecture: str
    year: int
    covered_days: int
    required: Decimal
    total: Decimal
    professional: Decimal
    pending: Decimal

    @property
    def general(self) -> Decimal:
        return self.total - self.professional

    @property
    def complies(self) -> bool:
        return rules.complies(self.total, self.professional, self.required)

    @property
    def shortfall(self) -> rules.Shortfall:
        return rules.shortfall(self.total, self.professional, self.required)


def _year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _covered_days(spans: Iterable[tuple[dt.date, dt.date]], year: int) -> int:
    """Days of `year` inside at least one of `spans` (inclusive), overlaps counted once."""
    first, last = _year_span(year)
    clipped = sorted((max(a, first), min(b, last)) for a, b in spans if a <= last and b >= first)
    days, reach = 0, first - dt.timedelta(days=1)
    for start, end in clipped:
        start = max(start, reach + dt.timedelta(days=1))
        if end >= start:
            days += (end - start).days + 1
            reach = end
    return days


def _certificate_end(valid_until: dt.date, ended_on: dt.date | None) -> dt.date:
    """The last day a certificate registered its holder: its end, or the day it was ended earlier."""
    return min(valid_until, ended_on) if ended_on else valid_until


def yearly_compliance(
    *,
    years: Sequence[int],
    employer: Employer | None = None,
    prefecture: str = "",
    person_ids: Iterable[int] | None = None,
) -> list[YearCompliance]:
    """Every (holder, year) of `years` in which the holder was registered on at least one day, in two
    queries. `employer` / `prefecture` keep the holders whose registration named that employer (or one
    in that prefecture) last in the year; `person_ids` keeps those people. Ordered by year, employer
    name, person name."""
    years = sorted(set(years))
    if not years:
        return []
    first, last = _year_span(years[0])[0], _year_span(years[-1])[1]
    certificates = RegistrationCertificate.objects.filter(
        valid_from__lte=last, valid_until__gte=first
    ).exclude(ended_on__lt=first)
    if person_ids is not None:
        certificates = certificates.filter(person_id__in=list(person_ids))
    if employer is not None:
        # Everyone who held a registration through `employer` in the period; narrowed below to those it
        # named last in each year.
        certificates = certificates.filter(person__in=_holders_through(employer, first, last))
    if prefecture:
        # Likewise everyone registered through an employer of `prefecture` in the period: the province's
        # other holders are not fetched nor summed (benchmark figure 8), only narrowed below.
        certificates = certificates.filter(person__in=_holders_through_prefecture(prefecture, first, last))
    spans: dict[int, list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
    employers: dict[int, tuple[str, str]] = {}
    names: dict[int, str] = {}
    for row in certificates.values_list(
        "person_id",
        "person__name",
        "employer_id",
        "employer__name",
        "employer__prefecture",
        "valid_from",
        "valid_until",
        "ended_on",
    ).order_by():
        person_id, name, employer_id, employer_name, employer_prefecture, start, until, ended = row
        end = _certificate_end(until, ended)
        if end < start:
            continue
        spans[person_id].append((start, end, employer_id))
        employers[employer_id] = (employer_name, employer_prefecture)
        names[person_id] = name
    # Never the holders' ids as a list: a province's 100,000 ids as parameters cost seconds to bind and
    # send (benchmark figure 8). Unfiltered, every participation of the period is summed (those of people
    # not registered then are never read); filtered, the certificates' subquery narrows them.
    filtered = person_ids is not None or employer is not None or bool(prefecture)
    holders = certificates.values("person_id") if filtered else None
    hours = _confirmed_hours(holders, first, last) if spans else {}
    out = []
    for year in years:
        year_first, year_last = _year_span(year)
        for person_id, person_spans in spans.items():
            days = _covered_days(((a, b) for a, b, _e in person_spans), year)
            if not days:
                continue
            # The employer the registration named on the last day of the year it covered.
            employer_id = max(
                (min(b, year_last), a, e) for a, b, e in person_spans if a <= year_last and b >= year_first
            )[2]
            employer_name, employer_prefecture = employers[employer_id]
            if employer is not None and employer_id != employer.pk:
                continue
            if prefecture and employer_prefecture != prefecture:
                continue
            total, professional, pending = hours.get((person_id, year), (ZERO, ZERO, ZERO))
            out.append(
                YearCompliance(
                    person_id=person_id,
                    person_name=names[person_id],
                    employer_id=employer_id,
                    employer_name=employer_name,
                    prefecture=employer_prefecture,
                    year=year,
                    covered_days=days,
                    required=rules.required_hours(year, days),
                    total=total,
                    professional=professional,
                    pending=pending,
                )
            )
    out.sort(key=lambda r: (r.year, r.employer_name, r.person_name, r.person_id))
    return out


def _holders_through(employer: Employer, first: dt.date, last: dt.date) -> QuerySet[Person]:
    return Person.objects.filter(
        registration_certificates__employer=employer,
        registration_certificates__valid_from__lte=last,
        registration_certificates__valid_until__gte=first,
    )


def _holders_through_prefecture(prefecture: str, first: dt.date, last: dt.date) -> QuerySet[Person]:
    return Person.objects.filter(
        registration_certificates__employer__prefecture=prefecture,
        registration_certificates__valid_from__lte=last,
        registration_certificates__valid_until__gte=first,
    )


def _confirmed_hours(
    person_ids: QuerySet | None, first: dt.date, last: dt.date
) -> dict[tuple[int, int], tuple[Decimal, Decimal, Decimal]]:
    """(person, year) → (confirmed hours, confirmed professional hours, hours awaiting confirmation),
    counted in the year each activity ended, for the people of `person_ids` (a subquery; None: everyone).
    One aggregate query."""
    counted = Q(state=ParticipationState.CONFIRMED)
    people = Q(person_id__in=person_ids) if person_ids is not None else Q()
    rows = (
        Participation.objects.filter(
            people,
            activity__ends_on__range=(first, last),
            state__in=[ParticipationState.CONFIRMED, ParticipationState.RECORDED],
        )
        .values("person_id", year=ExtractYear("activity__ends_on"))
        .annotate(
            total=Sum("hours", filter=counted, default=ZERO),
            professional=Sum(
                "hours", filter=counted & Q(activity__subject=Subject.PROFESSIONAL), default=ZERO
            ),
            pending=Sum("hours", filter=Q(state=ParticipationState.RECORDED), default=ZERO),
        )
        .order_by()
    )
    return {
        (r["person_id"], r["year"]): (Decimal(r["total"]), Decimal(r["professional"]), Decimal(r["pending"]))
        for r in rows
    }


def employer_activities(*, employer: Employer) -> QuerySet[Activity]:
    """The activities an employer's clerk recorded, or in which it recorded its staff's hours."""
    return (
        Activity.objects.filter(Q(employer=employer) | Q(participations__employer=employer))
        .distinct()
        .order_by("-ends_on", "-id")
    )


def employer_participations(*, employer: Employer) -> QuerySet[Participation]:
    """The participations an employer recorded for its staff: what its clerk may see and download."""
    return Participation.objects.filter(employer=employer).select_related("activity", "person")


# --- the enterprise portal's lists (training/views) ------------------------------------------------------
def employer_ledger_activities(*, employer: Employer, year: int) -> QuerySet[Activity]:
    """The employer's activities that ended in `year` (recorded by it, or holding hours it recorded), each
    with the number of its own entries awaiting confirmation, confirmed and rejected. One query."""
    mine = Q(participations__employer=employer)
    return (
        Activity.objects.filter(
            Q(employer=employer)
            | Q(pk__in=Participation.objects.filter(employer=employer).values("activity_id")),
            ends_on__year=year,
        )
        .annotate(
            awaiting=Count(
                "participations", filter=mine & Q(participations__state=ParticipationState.RECORDED)
            ),
            confirmed=Count(
                "participations", filter=mine & Q(participations__state=ParticipationState.CONFIRMED)
            ),
            rejected=Count(
                "participations", filter=mine & Q(participations__state=ParticipationState.REJECTED)
            ),
        )
        .order_by("-ends_on", "-id")
    )


def employer_ledger_entries(*, employer: Employer, year: int, state: str = "") -> QuerySet[Participation]:
    """The hours the employer recorded in activities that ended in `year` (of one state if given)."""
    entries = employer_participations(employer=employer).filter(activity__ends_on__year=year)
    if state:
        entries = entries.filter(state=state)
    return entries.order_by("-activity__ends_on", "activity_id", "person__name", "id")


@dataclass(frozen=True)
class ComplianceLine:
    """A compliance row as the employer's list shows it: with the holder's masked ID number."""

    row: YearCompliance
    masked_id_number: str


def employer_compliance(*, employer: Employer, year: int, short_only: bool = False) -> list[ComplianceLine]:
    """The employer's holders in `year` (training.selectors.yearly_compliance), those short of hours first
    (largest shortfall first), then by name. Three queries whatever the number of holders."""
    rows = yearly_compliance(years=[year], employer=employer)
    if short_only:
        rows = [r for r in rows if not r.complies]
    masked = {
        p.pk: p.masked_id_number for p in Person.objects.filter(pk__in=[r.person_id for r in rows]).order_by()
    }
    rows.sort(key=lambda r: (r.complies, -r.shortfall.hours, r.person_name, r.person_id))
    return [ComplianceLine(row=r, masked_id_number=masked.get(r.person_id, "")) for r in rows]
