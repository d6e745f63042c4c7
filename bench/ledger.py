"""A synthetic continuing-education ledger at scale (`generate_bench_data --participations N`).

Over the holders bench.generate made (generated people whose registration certificate covers part of
`year`), activities with hundreds of participants each, and exactly N participation rows in the year:
about 85% confirmed, 10% awaiting confirmation, 5% rejected with a reason; about 70% of activities
professional. Activity hours are scaled to the rows per holder so that the year's confirmed hours land
around the 90-hour requirement: the compliance list then holds both compliant and short holders, as a
real one would.

Like bench.generate, this writes around the services (bulk_create in chunks, one transaction per chunk,
no audit rows): it fabricates a year of history at a speed no per-row path could reach. Reproducible from
`seed`; recognisable by the activities' organiser (GENERATED_ORGANISER), so remove_ledger() deletes
exactly them and their participations.
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.db import connection, transaction
from django.utils import timezone

from bench.generate import GENERATED_USCC_PREFIX

GENERATED_ORGANISER = "基准测试合成数据（GENERATED）"
ACTIVITY_SIZE = (100, 500)  # participants per activity: "one activity can carry hundreds"
CONFIRMED, RECORDED = 0.85, 0.10  # the rest rejected
PROFESSIONAL = 0.7
# Mean confirmed hours a holder gets in the year (a little above 90, so some comply and some do not).
MEAN_CONFIRMED_HOURS = 100


@dataclass
class GeneratedLedger:
    activities: int = 0
    participations: int = 0
    holders: int = 0
    seconds: float = 0.0
    by_state: dict[str, int] = field(default_factory=dict)


def _half_hours(value: float) -> Decimal:
    steps = (Decimal(str(value)) * 2).to_integral_value(rounding=ROUND_FLOOR)
    return max(Decimal("0.5"), min(Decimal("999.5"), steps / 2))


def generated_holders(year: int) -> list[tuple[int, int]]:
    """(person id, employer id) of the generated holders registered on some day of `year`, by person."""
    from registry.models import RegistrationCertificate

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        RegistrationCertificate.objects.filter(
            employer__uscc__startswith=GENERATED_USCC_PREFIX, valid_from__lte=last, valid_until__gte=first
        )
        .order_by("person_id", "-valid_until")
        .values_list("person_id", "employer_id")
    )
    holders: dict[int, int] = {}
    for person_id, employer_id in rows:
        holders.setdefault(person_id, employer_id)
    return list(holders.items())


def generate_ledger(
    *,
    participations: int,
    seed: int = 1,
    year: int | None = None,
    on: dt.date | None = None,
    chunk: int = 50_000,
    progress: Callable[[GeneratedLedger], None] | None = None,
) -> GeneratedLedger:
    """Write `participations` participation rows in `year` (default: the year of `on`, default today) over
    the generated holders, in activities of ACTIVITY_SIZE participants; see the module docstring."""
    from accounts.models import User
    from training.models import Activity, ActivityKind, Participation, ParticipationState, Subject

    started = time.perf_counter()
    on = on or timezone.localdate()
    year = year or on.year
    last_day = min(dt.date(year, 12, 31), on) if year == on.year else dt.date(year, 12, 31)
    days = (last_day - dt.date(year, 1, 1)).days
    rng = random.Random(seed * 7919 + year)  # noqa: S311 - reproducible fiction, not secrets
    holders = generated_holders(year)
    if not holders:
        raise RuntimeError(f"no generated holder is registered in {year}: generate applications first")
    if Activity.objects.filter(organiser=GENERATED_ORGANISER).exists():
        raise RuntimeError("a generated ledger is already present: remove it first (--replace)")
    reviewer, _ = User.objects.get_or_create(username="bench-association", defaults={"is_staff": True})
    done = GeneratedLedger(holders=len(holders))
    per_holder = participations / len(holders)
    mean_hours = MEAN_CONFIRMED_HOURS / max(per_holder * CONFIRMED, 0.01)
    kinds = list(ActivityKind.values)
    decided_at = dt.datetime(last_day.year, last_day.month, last_day.day, 10, tzinfo=dt.UTC)

    left = participations
    while left:
        with transaction.atomic():
            activities, members = [], []
            rows_in_chunk = 0
            while left and rows_in_chunk < chunk:
                size = min(left, rng.randint(*ACTIVITY_SIZE), len(holders))
                ends = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, days))
                kind = rng.choice(kinds)
                online = kind == ActivityKind.DISTANCE
                n = done.activities + len(activities)
                activities.append(
                    Activity(
                        title=f"继续教育专题培训（第{n + 1}期）",
                        kind=kind,
                        organiser=GENERATED_ORGANISER,
                        starts_on=ends - dt.timedelta(days=rng.randint(0, 4)),
                        ends_on=ends,
                        online=online,
                        place="" if online else "哈尔滨市南岗区学府路",
                        hours=_half_hours(mean_hours * rng.uniform(0.4, 1.6)),
                        subject=Subject.PROFESSIONAL if rng.random() < PROFESSIONAL else Subject.GENERAL,
                    )
                )
                members.append(rng.sample(range(len(holders)), size))
                rows_in_chunk += size
                left -= size
            Activity.objects.bulk_create(activities, batch_size=2000)
            rows = []
            for activity, chosen in zip(activities, members, strict=True):
                for index in chosen:
                    person_id, employer_id = holders[index]
                    draw = rng.random()
                    state = (
                        ParticipationState.CONFIRMED
                        if draw < CONFIRMED
                        else ParticipationState.RECORDED
                        if draw < CONFIRMED + RECORDED
                        else ParticipationState.REJECTED
                    )
                    decided = state != ParticipationState.RECORDED
                    rows.append(
                        Participation(
                            activity_id=activity.pk,
                            person_id=person_id,
                            employer_id=employer_id,
                            # Most attended all of it; some part (their certificate says so).
                            hours=activity.hours
                            if rng.random() < 0.9
                            else _half_hours(float(activity.hours) / 2),
                            state=state,
                            decided_by=reviewer if decided else None,
                            decided_at=decided_at if decided else None,
                            rejection_reason="签到记录不全，请补充证明材料。"
                            if state == ParticipationState.REJECTED
                            else "",
                        )
                    )
                    done.by_state[state] = done.by_state.get(state, 0) + 1
            Participation.objects.bulk_create(rows, batch_size=5000)
        done.activities += len(activities)
        done.participations += len(rows)
        done.seconds = time.perf_counter() - started
        if progress is not None:
            progress(done)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    done.seconds = time.perf_counter() - started
    return done


def generated_participations() -> int:
    from training.models import Participation

    return Participation.objects.filter(activity__organiser=GENERATED_ORGANISER).count()


@transaction.atomic
def remove_ledger() -> None:
    """Delete the generated activities and their participations, and only them."""
    from django.db import router

    from training.models import Activity, Participation, ParticipationCorrection

    db = router.db_for_write(Participation)
    for queryset in (
        ParticipationCorrection.objects.filter(participation__activity__organiser=GENERATED_ORGANISER),
        Participation.objects.filter(activity__organiser=GENERATED_ORGANISER),
        Activity.objects.filter(organiser=GENERATED_ORGANISER),
    ):
        queryset._raw_delete(db)
