"""The checks behind /readyz. Each answers ok / warning / failed with a short Chinese message and never the
exception's text (it may name a host, a user or a path): that goes to the log, redacted, for the operator.

Required checks decide the status code; the calendar is information (a year's schedule missing does not
stop the site from serving). The worker and beat checks read the job-run table: beat sends `ops.heartbeat`
every minute and a worker records running it (ops.signals), so one recent heartbeat row proves both that
beat schedules and that a worker answers — cheaper than a broadcast `control.ping`, which waits for
every worker's reply and says nothing about beat.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ops import selectors
from ops.signals import scheduled_task_names
from registry.signing import SigningUnavailable, signing_identity
from workdays.working_days import is_official_year

logger = logging.getLogger(__name__)

OK, WARNING, FAILED, SKIPPED = "ok", "warning", "failed", "skipped"
HEARTBEAT_TASK = "ops.heartbeat"


@dataclass(frozen=True)
class Result:
    status: str
    message: str
    required: bool = True


def _database() -> Result:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Result(OK, _("The database answers."))


def _cache() -> Result:
    key, token = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, 30)
    found = cache.get(key)
    cache.delete(key)
    if found != token:  # the Redis cache degrades to a miss when Redis is down (config/cache.py)
        return Result(FAILED, _("The cache did not return what was stored in it."))
    return Result(OK, _("The cache stores and returns values."))


def _storage() -> Result:
    name = default_storage.save(f".readyz/{uuid.uuid4().hex}", ContentFile(b"ok"))
    default_storage.delete(name)
    return Result(OK, _("Private storage is writable."))


def _in_process() -> bool:
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def _age_minutes(moment: dt.datetime) -> int:
    return int((timezone.now() - moment).total_seconds() // 60)


def _worker() -> Result:
    if _in_process():
        return Result(SKIPPED, _("No broker is configured: tasks run in the web process."), required=False)
    limit = dt.timedelta(minutes=settings.REGISTRY_HEALTH_WORKER_MINUTES)
    run = selectors.last_run_of(tasks={HEARTBEAT_TASK})
    if run is None or run.finished_at is None or timezone.now() - run.finished_at > limit:
        return Result(
            FAILED,
            _("No worker has run the heartbeat in the last %(minutes)d minutes.")
            % {"minutes": settings.REGISTRY_HEALTH_WORKER_MINUTES},
        )
    return Result(
        OK,
        _("A worker ran the heartbeat %(minutes)d minutes ago.") % {"minutes": _age_minutes(run.finished_at)},
    )


def _beat() -> Result:
    if _in_process():
        return Result(SKIPPED, _("No broker is configured: scheduled jobs do not run."), required=False)
    limit = dt.timedelta(minutes=settings.REGISTRY_HEALTH_BEAT_MINUTES)
    run = selectors.last_run_of(tasks=scheduled_task_names())
    if run is None or timezone.now() - run.started_at > limit:
        return Result(
            FAILED,
            _("No scheduled job has started in the last %(minutes)d minutes.")
            % {"minutes": settings.REGISTRY_HEALTH_BEAT_MINUTES},
        )
    return Result(
        OK,
        _("The last scheduled job started %(minutes)d minutes ago.")
        % {"minutes": _age_minutes(run.started_at)},
    )


def _calendar() -> Result:
    """Next year's working-day schedule: a warning until December, a failure from 1 December (it decides
    deadlines from January) — never required: a missing schedule does not stop the site from serving."""
    today = timezone.localdate()
    if is_official_year(today.year + 1):
        return Result(OK, _("Next year's working-day calendar is published."), required=False)
    message = _("Next year's working-day calendar (%(year)d) is not entered yet.") % {"year": today.year + 1}
    return Result(FAILED if today.month == 12 else WARNING, message, required=False)


def _signing() -> Result:
    """The key that signs certificates and written decisions (registry.signing): usable, and its certificate
    valid for more than REGISTRY_HEALTH_SIGNING_DAYS days. Never required: without it the site still serves,
    but no certificate PDF or written decision is stored (the issuing task logs why, and the PDF backlog of
    /metrics grows); the operator must learn that here, and renew a certificate before it expires."""
    try:
        identity = signing_identity()
    except SigningUnavailable as error:
        logger.error("readiness: the signing key cannot be used: %s", error)  # a path, never the key
        return Result(
            FAILED,
            _("The signing key cannot be used: certificates and written decisions are not signed or stored."),
            required=False,
        )
    expires = identity.certificate.not_valid_after
    left = (expires - timezone.now()).days
    date = timezone.localtime(expires).date().isoformat()
    if left < 0:
        return Result(
            FAILED, _("The signing certificate expired on %(date)s.") % {"date": date}, required=False
        )
    if left <= settings.REGISTRY_HEALTH_SIGNING_DAYS:
        return Result(
            WARNING,
            _("The signing certificate expires on %(date)s, in %(days)d days: renew it.")
            % {"date": date, "days": left},
            required=False,
        )
    return Result(
        OK,
        _("The signing key is usable; its certificate is valid until %(date)s.") % {"date": date},
        required=False,
    )


INFORMATIONAL = frozenset({"calendar", "signing"})  # reported, never the reason for a 503
CHECKS: dict[str, Callable[[], Result]] = {
    "database": _database,
    "cache": _cache,
    "storage": _storage,
    "worker": _worker,
    "beat": _beat,
    "calendar": _calendar,
    "signing": _signing,
}


def run_checks() -> tuple[bool, dict[str, dict[str, object]]]:
    """Every check, each guarded: (all required ones passed, the body's `checks`)."""
    results: dict[str, dict[str, object]] = {}
    ready = True
    for name, check in CHECKS.items():
        try:
            result = check()
        except Exception as error:
            logger.warning("readiness check %s failed: %s", name, type(error).__name__, exc_info=True)
            message = _("The check could not be completed (see the server log).")
            result = Result(FAILED, message, required=name not in INFORMATIONAL)
        if result.required and result.status == FAILED:
            ready = False
        results[name] = {"status": result.status, "required": result.required, "message": result.message}
    return ready, results
