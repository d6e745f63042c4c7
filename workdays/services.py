"""The one write path of the working-day calendar: staff edits in the admin and the package sync.

Every change here, in one transaction: locks the years it touches, writes the rows, records which days
changed working status (old -> new) in a CalendarChange row and the change in the audit trail
(Action.CALENDAR_CHANGED; the package sync is the system's own act), and after commit makes this process
reload its calendar and tells the apps above that days changed (workdays.signals.working_days_changed:
the registry recomputes every open deadline that depends on a changed day), storing how many changed in
the log row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from workdays import calendar_source, working_days
from workdays.models import CalendarChange, CalendarDay, CalendarYear
from workdays.signals import working_days_changed

logger = logging.getLogger(__name__)


def _kind(working: bool) -> str:
    return CalendarDay.Kind.WORKING_DAY.value if working else CalendarDay.Kind.DAY_OFF.value


def _days_of(year: int) -> Iterable[dt.date]:
    day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    while day <= end:
        yield day
        day += working_days.ONE_DAY


def _lock_years(years: Iterable[int], *, by: User | None) -> dict[int, CalendarYear]:
    """The years' rows, created (provisional) where missing and locked, so that changes of one year queue."""
    years = sorted(set(years))
    existing = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, updated_by=by) for year in years if year not in existing],
        ignore_conflicts=True,
    )
    return {row.year: row for row in CalendarYear.objects.select_for_update().filter(year__in=years)}


def _statuses(years: Iterable[int]) -> dict[dt.date, bool]:
    """The working status of every day of `years`, read in this transaction (not from the cache)."""
    years = set(years)
    rows = dict(
        CalendarDay.objects.filter(
            day__gte=dt.date(min(years), 1, 1), day__lte=dt.date(max(years), 12, 31)
        ).values_list("day", "kind")
    )
    official = set(
        CalendarYear.objects.filter(year__in=years, status=CalendarYear.Status.OFFICIAL).values_list(
            "year", flat=True
        )
    )
    statuses = {}
    for year in years:
        for day in _days_of(year):
            kind = rows.get(day)
            if kind is None:
                statuses[day] = working_days.plain_is_working_day(day, official=year in official)
            else:
                statuses[day] = kind == CalendarDay.Kind.WORKING_DAY
    return statuses


def _recompute_open_deadlines(*, change_id: int, changed_days: frozenset[dt.date]) -> None:
    answers = working_days_changed.send(sender=CalendarChange, changed_days=changed_days)
    answered: list[object] = [answer for _receiver, answer in answers]
    count = sum(answer for answer in answered if isinstance(answer, int))
    CalendarChange.objects.filter(pk=change_id).update(deadlines_recomputed=count)
    logger.info("calendar change %s: %s open deadlines recomputed", change_id, count)


def _record(
    *,
    action: str,
    detail: dict,
    before: dict[dt.date, bool],
    after: dict[dt.date, bool],
    by: User | None,
) -> CalendarChange:
    """Write the log row and schedule the after-commit reload and recomputation."""
    changed = sorted(day for day, working in after.items() if before.get(day, working) != working)
    entry = CalendarChange.objects.create(
        action=action,
        detail=detail,
        changed_by=by,
        days=[
            {"day": day.isoformat(), "old": _kind(before[day]), "new": _kind(after[day])} for day in changed
        ],
        deadlines_recomputed=None if changed else 0,
    )
    label = detail.get("day") or detail.get("year") or "–".join(str(y) for y in detail.get("years", []))
    audit_log(
        action=Action.CALENDAR_CHANGED,
        actor=by,
        system=by is None,
        target=entry,
        target_label=str(label),
        detail={"change": action, **detail, "days_changed": len(changed)},
    )
    logger.info(
        "calendar change %s by %s: %s %s; %d days changed status",
        entry.pk,
        by.username if by else "system",
        action,
        detail,
        len(changed),
    )
    # Order matters: the reload runs first, so that the recomputation counts on the new calendar.
    transaction.on_commit(working_days.invalidate)
    if changed:
        transaction.on_commit(
            partial(_recompute_open_deadlines, change_id=entry.pk, changed_days=frozenset(changed))
        )
    return entry


@transaction.atomic
def calendar_day_set(*, day: dt.date, kind: str, note: str, by: User) -> CalendarDay:
    """Staff state a day's status by hand; the row is marked edited, so the package sync never touches it."""
    if kind not in CalendarDay.Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    _lock_years([day.year], by=by)
    row = CalendarDay.objects.select_for_update().filter(day=day).first()
    if row is not None and row.kind == kind and row.note == note:
        return row
    before = _statuses([day.year])
    old = None if row is None else {"kind": row.kind, "note": row.note}
    row = row or CalendarDay(day=day)
    row.kind, row.note, row.edited_by_staff, row.updated_by = kind, note, True, by
    row.save()
    _record(
        action=CalendarChange.Action.DAY_SET,
        detail={"day": day.isoformat(), "old": old, "new": {"kind": kind, "note": note}},
        before=before,
        after=_statuses([day.year]),
        by=by,
    )
    return row


@transaction.atomic
def calendar_day_delete(*, day: dt.date, by: User) -> None:
    """Remove a day's row: it follows the plain rule again (and a later sync may bring a package row back)."""
    _lock_years([day.year], by=by)
    row = CalendarDay.objects.select_for_update().filter(day=day).first()
    if row is None:
        return
    before = _statuses([day.year])
    old = {"kind": row.kind, "note": row.note}
    row.delete()
    _record(
        action=CalendarChange.Action.DAY_DELETED,
        detail={"day": day.isoformat(), "old": old, "new": None},
        before=before,
        after=_statuses([day.year]),
        by=by,
    )


@transaction.atomic
def calendar_year_set_status(*, year: int, status: str, by: User, note: str | None = None) -> CalendarYear:
    """Mark a year official (its schedule is entered completely) or provisional (fixed-date holidays apply).

    Marking a year official drops the provisional fixed-date holidays that staff did not enter as rows,
    so those days are reported as changed and their deadlines recomputed.
    """
    if status not in CalendarYear.Status.values:
        raise ValueError(f"unknown status {status!r}")
    row = _lock_years([year], by=by)[year]
    note = row.note if note is None else note
    if row.status == status and row.note == note:
        return row
    before = _statuses([year])
    old_status = row.status
    row.status, row.note, row.updated_by = status, note, by
    row.save()
    _record(
        action=CalendarChange.Action.YEAR_STATUS,
        detail={"year": year, "old": old_status, "new": status},
        before=before,
        after=_statuses([year]),
        by=by,
    )
    return row


@dataclass(frozen=True)
class SyncResult:
    years: tuple[int, ...]
    created: int
    updated: int
    deleted: int
    kept_staff_edits: int
    years_marked_official: tuple[int, ...]
    change: CalendarChange | None


@transaction.atomic
def calendar_sync_from_package(
    *, by: User | None = None, schedule: calendar_source.PackageSchedule | None = None
) -> SyncResult:
    """Bring every year the chinese-calendar package knows up to date with it; staff edits are kept.

    Adds the days of newly published years, corrects package rows the package now states differently,
    removes package rows it no longer lists, and marks its years official. Rows staff edited by hand are
    never touched. Years the package does not know are left alone; next year gets a provisional row so
    that the admin lists it.
    """
    schedule = schedule or calendar_source.package_schedule()
    years = sorted(schedule.years)
    if not years:
        return SyncResult((), 0, 0, 0, 0, (), None)
    year_rows = _lock_years([*years], by=by)
    before = _statuses(years)
    existing = {
        row.day: row
        for row in CalendarDay.objects.select_for_update().filter(
            day__gte=dt.date(years[0], 1, 1), day__lte=dt.date(years[-1], 12, 31)
        )
        if row.day.year in schedule.years
    }
    now = timezone.now()
    to_create, to_update, kept = [], [], 0
    for day, (kind, note) in sorted(schedule.days.items()):
        row = existing.pop(day, None)
        if row is None:
            to_create.append(CalendarDay(day=day, kind=kind, note=note))
        elif row.edited_by_staff:
            kept += 1
        elif (row.kind, row.note) != (kind, note):
            row.kind, row.note, row.updated_at, row.updated_by = kind, note, now, by
            to_update.append(row)
    stale = [row.pk for row in existing.values() if not row.edited_by_staff]
    CalendarDay.objects.bulk_create(to_create)
    CalendarDay.objects.bulk_update(to_update, ["kind", "note", "updated_at", "updated_by"])
    CalendarDay.objects.filter(pk__in=stale).delete()
    marked = tuple(year for year in years if not year_rows[year].is_official)
    CalendarYear.objects.filter(year__in=marked).update(
        status=CalendarYear.Status.OFFICIAL, updated_at=now, updated_by=by
    )
    next_year = timezone.localdate().year + 1
    if next_year not in schedule.years:
        CalendarYear.objects.get_or_create(year=next_year)

    change = None
    if to_create or to_update or stale or marked:
        change = _record(
            action=CalendarChange.Action.SYNC,
            detail={
                "years": [years[0], years[-1]],
                "created": len(to_create),
                "updated": len(to_update),
                "deleted": len(stale),
                "kept_staff_edits": kept,
                "years_marked_official": list(marked),
            },
            before=before,
            after=_statuses(years),
            by=by,
        )
    return SyncResult(
        years=tuple(years),
        created=len(to_create),
        updated=len(to_update),
        deleted=len(stale),
        kept_staff_edits=kept,
        years_marked_official=marked,
        change=change,
    )
