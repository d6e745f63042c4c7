"""Figure 8: the yearly continuing-education compliance list over a large ledger, beside a per-holder loop.

Ours is `training.selectors.yearly_compliance` (what the compliance lists, the export, renewal and the
reminders read), on the generated data (bench.generate) and ledger (bench.ledger; made here if the
database does not hold exactly N generated applications and P generated participations): the whole
province for one year (the association's unfiltered list and its export), one employer's list (the
portal), one prefecture, and one holder over five years (renewal). The figure is the median of REPEAT
runs, with the queries of one run, which must be the same two whatever the size.

The baseline answers the same question the way a first version would: for each holder, one query for
their certificates and one aggregate of their confirmed hours (2 N + 1 queries). For the province and
prefecture it runs over BASELINE_HOLDERS holders and is extrapolated to all of them (marked so in the
details); for one employer and one holder it runs in full.
"""

import datetime as dt

from django.utils import timezone

from bench.harness import Figure, measure

REPEAT = 5
BASELINE_HOLDERS = 500
QUERIES = 2
EMPLOYER_LIMIT_MS = 300
HOLDER_LIMIT_MS = 50


def _ensure_data(applications: int, participations: int, seed: int, on: dt.date) -> None:
    from bench.generate import generate, generated_applications, remove_generated
    from bench.ledger import generate_ledger, generated_participations, remove_ledger

    if generated_applications() != applications:
        remove_generated()
        generate(applications=applications, seed=seed, on=on)
    if generated_participations() != participations:
        remove_ledger()
        generate_ledger(participations=participations, seed=seed, on=on)


def _baseline(years: list[int], person_ids: list[int]):
    """The per-holder loop: each holder's certificates, then each year's confirmed hours, in turn."""
    from decimal import Decimal

    from django.db.models import Q, Sum

    from registry.models import RegistrationCertificate
    from training import rules
    from training.models import Participation, ParticipationState, Subject

    def one_year(person_id: int, year: int, certificates: list) -> bool:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        spans = sorted(
            (max(start, first), min(min(until, ended) if ended else until, last))
            for start, until, ended in certificates
        )
        days, reach = 0, first - dt.timedelta(days=1)
        for start, end in spans:
            start = max(start, reach + dt.timedelta(days=1))
            if end >= start:
                days += (end - start).days + 1
                reach = end
        sums = Participation.objects.filter(
            person_id=person_id, state=ParticipationState.CONFIRMED, activity__ends_on__year=year
        ).aggregate(
            total=Sum("hours", default=Decimal(0)),
            professional=Sum("hours", filter=Q(activity__subject=Subject.PROFESSIONAL), default=Decimal(0)),
        )
        return rules.complies(sums["total"], sums["professional"], rules.required_hours(year, days))

    def run() -> list[bool]:
        out = []
        for person_id in person_ids:
            certificates = list(
                RegistrationCertificate.objects.filter(person_id=person_id).values_list(
                    "valid_from", "valid_until", "ended_on"
                )
            )
            out.extend(one_year(person_id, year, certificates) for year in years)
        return out

    return run


def run(
    *,
    applications: int = 100_000,
    participations: int | None = None,
    seed: int = 1,
    repeat: int = REPEAT,
    baseline_holders: int = BASELINE_HOLDERS,
):
    from django.db import connection

    from bench.generate import GENERATED_USCC_PREFIX
    from people.models import Employer, Person
    from training.selectors import yearly_compliance

    on = timezone.localdate()
    year = on.year
    participations = participations if participations is not None else min(1_000_000, 10 * applications)
    _ensure_data(applications, participations, seed, on)

    everyone = yearly_compliance(years=[year])
    holder_ids = [r.person_id for r in everyone]
    if not holder_ids:
        raise RuntimeError("no generated holder in the year")
    # The employer and prefecture with the most holders: the largest list of each kind.
    by_employer: dict[int, int] = {}
    by_prefecture: dict[str, int] = {}
    for r in everyone:
        by_employer[r.employer_id] = by_employer.get(r.employer_id, 0) + 1
        by_prefecture[r.prefecture] = by_prefecture.get(r.prefecture, 0) + 1
    employer = Employer.objects.get(pk=max(by_employer, key=by_employer.get))
    assert employer.uscc.startswith(GENERATED_USCC_PREFIX)
    prefecture = max(by_prefecture, key=by_prefecture.get)
    holder = Person.objects.get(pk=holder_ids[len(holder_ids) // 2])
    large_pg = connection.vendor == "postgresql" and participations >= 1_000_000

    views = [
        ("province, one year", lambda: yearly_compliance(years=[year]), holder_ids, True, [year]),
        (
            "one employer",
            lambda: yearly_compliance(years=[year], employer=employer),
            [r.person_id for r in everyone if r.employer_id == employer.pk],
            False,
            [year],
        ),
        (
            "one prefecture",
            lambda: yearly_compliance(years=[year], prefecture=prefecture),
            [r.person_id for r in everyone if r.prefecture == prefecture],
            True,
            [year],
        ),
        (
            "one holder, five years",
            lambda: yearly_compliance(years=range(year - 4, year + 1), person_ids=[holder.pk]),
            [holder.pk],
            False,
            list(range(year - 4, year + 1)),
        ),
    ]
    figures = []
    compliant = sum(1 for r in everyone if r.complies)
    for name, ours_fn, people, sampled, years in views:
        mine = measure(ours_fn, repeat=repeat)
        sample = people[:baseline_holders] if sampled else people
        base = measure(_baseline(years, sample), repeat=1, warmup=0)
        base_seconds = base.median * len(people) / len(sample)
        ratio = base_seconds / mine.median
        if name.startswith("one holder"):
            # Renewal's page: one person, so the baseline is a handful of queries too; read in time.
            met = mine.queries == QUERIES and mine.median * 1000 <= HOLDER_LIMIT_MS
            target = f"{QUERIES} queries, ≤ {HOLDER_LIMIT_MS} ms"
        else:
            met = mine.queries == QUERIES and ratio >= 10
            target = f"{QUERIES} queries at any size, ≥ 10x"
        if name == "one employer":
            target += f", ≤ {EMPLOYER_LIMIT_MS} ms at 1M on PG"
            if large_pg:
                met = met and mine.median * 1000 <= EMPLOYER_LIMIT_MS
        figures.append(
            Figure(
                key=f"compliance_list_{name.split(',')[0].replace(' ', '_')}",
                title=f"8. compliance list, {name} ({participations:,} participations, {connection.vendor})",
                unit="ms",
                ours=mine.median * 1000,
                baseline=base_seconds * 1000,
                target=target,
                met=met,
                details={
                    "applications": applications,
                    "participations": participations,
                    "holders_listed": len(people),
                    "holders_in_year": len(holder_ids),
                    "compliant_in_year": compliant,
                    "p95_ms": mine.p95 * 1000,
                    "queries": mine.queries,
                    "baseline_queries": base.queries,
                    "baseline_holders_run": len(sample),
                    "baseline_is_extrapolated": sampled and len(sample) < len(people),
                    "runs_ms": [r * 1000 for r in mine.runs],
                },
            )
        )
    return figures
