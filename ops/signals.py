"""Celery signal receivers: the request id carried into tasks, and the job-run rows of every scheduled job.

The request id: `before_task_publish` puts the current id in a message header; `task_prerun` restores it
in the worker (or keeps the caller's when the task runs in-process, CELERY_TASK_ALWAYS_EAGER, where
nothing is published), and `task_postrun` puts back what was there before. A task with no caller (beat)
gets a fresh id, so its own records still belong together.

The job runs: every task named in CELERY_BEAT_SCHEDULE writes a row when it starts and completes it when it
ends (outcome, count); a task that fails for good writes a row whatever it is. Recording never breaks the
task: a database error here is logged and the task goes on.
"""

from __future__ import annotations

import logging
from contextvars import Token
from typing import Any

from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun
from django.conf import settings

from ops import services
from ops.logs import NO_REQUEST, new_request_id, request_id_var, safe_request_id

logger = logging.getLogger("ops.tasks")

HEADER = "registry_request_id"

# Per task id, in the process running it: the context token to reset and the job-run row to complete.
_tokens: dict[str, Token[str]] = {}
_runs: dict[str, int] = {}


def scheduled_task_names() -> frozenset[str]:
    return frozenset(entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values())


@before_task_publish.connect(dispatch_uid="ops-request-id-publish")
def _add_request_id_header(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None and request_id_var.get() != NO_REQUEST:
        headers[HEADER] = request_id_var.get()


@task_prerun.connect(dispatch_uid="ops-task-prerun")
def _task_started(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    if task is None:
        return
    current = request_id_var.get()
    carried = safe_request_id(getattr(task.request, HEADER, None))
    request_id = carried or (current if current != NO_REQUEST else new_request_id())
    _tokens[task_id] = request_id_var.set(request_id)
    logger.debug("task %s started (%s)", task.name, task_id)
    if task.name in scheduled_task_names():
        try:
            _runs[task_id] = services.job_run_start(task=task.name, task_id=task_id, request_id=request_id).pk
        except Exception:
            logger.exception("could not record the start of %s", task.name)


@task_failure.connect(dispatch_uid="ops-task-failure")
def _task_failed(
    task_id: str = "", exception: BaseException | None = None, sender: Any = None, **kwargs: Any
):
    name = getattr(sender, "name", "") or ""
    logger.error("task %s failed (%s): %s", name, task_id, type(exception).__name__)
    try:
        services.job_run_record_failure(
            run_id=_runs.get(task_id),
            task=name,
            task_id=task_id,
            exception=exception or Exception(),
            request_id=request_id_var.get(),
        )
    except Exception:
        logger.exception("could not record the failure of %s", name)


@task_postrun.connect(dispatch_uid="ops-task-postrun")
def _task_ended(
    task_id: str = "", task: Any = None, retval: Any = None, state: str = "", **kwargs: Any
) -> None:
    run_id = _runs.pop(task_id, None)
    if run_id is not None:
        try:
            services.job_run_finish(run_id=run_id, succeeded=state == "SUCCESS", result=retval)
        except Exception:
            logger.exception("could not record the end of %s", getattr(task, "name", task_id))
    logger.debug("task %s ended (%s): %s", getattr(task, "name", ""), task_id, state)
    token = _tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)
