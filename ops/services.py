"""Writes of the ops app: the job-run rows the Celery signals record, and their pruning."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from ops.logs import redact
from ops.models import JobRun


def job_run_start(*, task: str, task_id: str, request_id: str) -> JobRun:
    """A scheduled job began (task_prerun). Its own short transaction: the row is there even if the job
    fails and rolls its own work back."""
    return JobRun.objects.create(
        task=task, task_id=task_id[:64], started_at=timezone.now(), request_id=request_id[:64]
    )


def _summarise(result: Any) -> tuple[int | None, str]:
    """A sweep's return value as the page shows it: a count when it is one (most sweeps return one)."""
    if isinstance(result, bool) or result is None:
        return None, ""
    if isinstance(result, int):
        return result, ""
    if isinstance(result, list | tuple | set | dict):
        return len(result), ""
    return None, redact(str(result))[:200]


def job_run_finish(*, run_id: int, succeeded: bool, result: Any = None) -> None:
    """A scheduled job ended (task_postrun): its outcome and what it did."""
    count, summary = _summarise(result) if succeeded else (None, "")
    changes: dict[str, Any] = {
        "finished_at": timezone.now(),
        "outcome": JobRun.Outcome.OK if succeeded else JobRun.Outcome.FAILED,
        "count": count,
        "summary": summary,
    }
    JobRun.objects.filter(pk=run_id).update(**changes)


def _error_text(exception: BaseException) -> str:
    return redact(f"{type(exception).__name__}: {exception}")[:500]


def job_run_record_failure(
    *, run_id: int | None, task: str, task_id: str, exception: BaseException, request_id: str
) -> None:
    """A task failed for good (task_failure: after its retries). A scheduled job's row gets the error; any
    other task gets a row of its own, so that failures are counted across every worker process."""
    if run_id is not None:
        JobRun.objects.filter(pk=run_id).update(error=_error_text(exception), outcome=JobRun.Outcome.FAILED)
        return
    now = timezone.now()
    JobRun.objects.create(
        task=task,
        task_id=task_id[:64],
        periodic=False,
        started_at=now,
        finished_at=now,
        outcome=JobRun.Outcome.FAILED,
        error=_error_text(exception),
        request_id=request_id[:64],
    )


def job_runs_prune(*, now: dt.datetime | None = None) -> int:
    """Delete runs older than REGISTRY_JOB_RUN_RETENTION_DAYS; returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.REGISTRY_JOB_RUN_RETENTION_DAYS)
    deleted, _by_model = JobRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted
