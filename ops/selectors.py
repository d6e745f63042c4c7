"""Reads of the ops app: the scheduled jobs as the jobs page, the admin banner, /readyz and /metrics see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ops import schedules
from ops.models import JobRun

# Each job of CELERY_BEAT_SCHEDULE: its name for people, and how its count reads (the task's return value).
# tests/ops/test_jobs_page.py fails on a job added to the schedule without a line here.
JOBS: dict[str, tuple[Promise, Promise | None]] = {
    "expire-certificates": (
        _("Expire certificates past their validity"),
        _("Certificates expired: %(count)d"),
    ),
    "apply-deemed-acceptance": (
        _("Deem accepted the applications past the acceptance deadline"),
        _("Applications deemed accepted: %(count)d"),
    ),
    "send-staff-digest": (_("Daily deadline digest to association staff"), _("Messages sent: %(count)d")),
    "send-expiry-reminders": (_("Certificate expiry reminders"), _("Reminders sent: %(count)d")),
    "sweep-certificate-pdfs": (_("Make missing or outdated certificate PDFs"), _("PDFs queued: %(count)d")),
    "sweep-decision-documents": (
        _("Make written decisions not generated yet"),
        _("Documents queued: %(count)d"),
    ),
    "deliver-notifications": (_("Deliver pending notifications"), _("Notifications handled: %(count)d")),
    "send-shortfall-reminders": (
        _("Continuing-education shortfall reminders"),
        _("Reminders sent: %(count)d"),
    ),
    "verify-audit-chains": (_("Verify the audit trail's hash chains"), _("Broken chains found: %(count)d")),
    "send-report-reminders": (_("Yearly report reminders"), _("Reminders sent: %(count)d")),
    "ops-heartbeat": (_("Worker heartbeat"), None),
    "prune-job-runs": (_("Delete old job records"), _("Records deleted: %(count)d")),
}

# A job's tolerance for clock differences between beat, the broker and the worker.
_SKEW = dt.timedelta(minutes=1)


class Status:
    OK = "ok"
    RUNNING = "running"
    WAITING = "waiting"  # never run, and not due yet since the system started recording runs
    FAILED = "failed"
    STALE = "stale"


@dataclass(frozen=True)
class JobStatus:
    key: str
    task: str
    title: str
    schedule: str
    last_run: JobRun | None
    last_success_at: dt.datetime | None
    due_at: dt.datetime | None  # the last time it should have run by now (allowing the grace period)
    next_at: dt.datetime | None
    status: str

    @property
    def needs_attention(self) -> bool:
        return self.status in (Status.FAILED, Status.STALE)

    @property
    def did(self) -> str:
        """What the last run did, in words ("" when it has nothing to say)."""
        run = self.last_run
        if run is None or run.outcome != JobRun.Outcome.OK:
            return ""
        wording = JOBS.get(self.key, (None, None))[1]
        if run.count is not None and wording is not None:
            return str(wording) % {"count": run.count}
        return run.summary


def job_title(key: str) -> str:
    entry = JOBS.get(key)
    return str(entry[0]) if entry else str(_("Scheduled job %(name)s") % {"name": key})


def grace() -> dt.timedelta:
    return dt.timedelta(minutes=settings.REGISTRY_JOB_GRACE_MINUTES)


def jobs_status(*, now: dt.datetime | None = None) -> list[JobStatus]:
    """Every entry of CELERY_BEAT_SCHEDULE with its last run and whether it ran when due (two queries)."""
    now = now or timezone.now()
    beat = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in beat.values()}
    stats: dict[str, Any] = {
        row["task"]: row
        for row in JobRun.objects.filter(task__in=tasks, periodic=True)
        .values("task")
        .annotate(
            last=Max("started_at"),
            first=Min("started_at"),
            last_ok=Max("finished_at", filter=Q(outcome=JobRun.Outcome.OK)),
        )
        .order_by()
    }
    latest: dict[str, JobRun] = {}
    if stats:
        match = Q()
        for task, row in stats.items():
            match |= Q(task=task, started_at=row["last"])
        for found in JobRun.objects.filter(match, periodic=True).order_by("pk"):
            latest[found.task] = found
    watch_since = min((row["first"] for row in stats.values()), default=None)
    jobs = []
    for key, entry in beat.items():
        run = latest.get(entry["task"])
        due = schedules.previous_due(entry["schedule"], at_or_before=now - grace())
        jobs.append(
            JobStatus(
                key=key,
                task=entry["task"],
                title=job_title(key),
                schedule=schedules.describe(entry["schedule"]),
                last_run=run,
                last_success_at=stats.get(entry["task"], {}).get("last_ok"),
                due_at=due,
                next_at=schedules.next_due(entry["schedule"], after=now),
                status=_status(run, due, watch_since),
            )
        )
    return jobs


def _status(run: JobRun | None, due: dt.datetime | None, watch_since: dt.datetime | None) -> str:
    if due is not None and (run is None or run.started_at < due - _SKEW):
        if run is None and (watch_since is None or watch_since > due):
            return Status.WAITING  # recording began after it was last due: its first run is still ahead
        return Status.STALE
    if run is None:
        return Status.WAITING
    if run.outcome == JobRun.Outcome.FAILED:
        return Status.FAILED
    if run.outcome == JobRun.Outcome.RUNNING:
        return Status.RUNNING
    return Status.OK


def last_run_of(*, tasks: set[str] | frozenset[str]) -> JobRun | None:
    """The most recent run of any of `tasks` (for /readyz: beat's last run, the worker's heartbeat)."""
    return JobRun.objects.filter(task__in=tasks, periodic=True).order_by("-started_at", "-pk").first()


def task_failures_since(*, since: dt.datetime) -> dict[str, int]:
    """Failed runs per task since `since`, every worker's (the job-run table is shared)."""
    rows = (
        JobRun.objects.filter(outcome=JobRun.Outcome.FAILED, started_at__gte=since)
        .values("task")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["task"]: row["n"] for row in rows}
