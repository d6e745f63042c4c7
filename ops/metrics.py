"""The registry's own Prometheus series, computed when /metrics is scraped (a few indexed counts).

django-prometheus adds the request series (latency by view, responses by status) through its middleware.
Task failures are counted from the job-run table, not from a counter in memory: a failure happens in a
worker process, and a counter there is invisible to the web process that answers the scrape (and lost
when the worker restarts); the table is shared by every process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator

from django.db.models import Count
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from ops import selectors
from registry.models import Application
from registry.selectors import applications_overdue
from registry.services.certificate_pdfs import certificates_pdf_outdated
from registry.workflow import ApplicationState

logger = logging.getLogger(__name__)

FAILURE_WINDOW = dt.timedelta(hours=24)


class RegistryCollector(Collector):
    """applications by state, overdue applications, the certificate PDF backlog, task failures in the last
    24 hours, and each scheduled job's last run and whether it is stale."""

    NAMES = (
        "registry_applications",
        "registry_applications_overdue",
        "registry_certificate_pdf_backlog",
        "registry_celery_task_failures_24h",
        "registry_job_last_success_timestamp_seconds",
        "registry_job_needs_attention",
    )

    def describe(self) -> Iterator[Metric]:
        """The series' names without their values: registering must not query the database (start-up)."""
        for name in self.NAMES:
            yield GaugeMetricFamily(name, name)

    def collect(self) -> Iterator[Metric]:
        try:
            yield from self._collect()
        except Exception:  # a scrape must answer with the request series even when the database does not
            logger.exception("registry metrics could not be computed")

    def _collect(self) -> Iterator[Metric]:
        now = timezone.now()
        by_state = GaugeMetricFamily(
            "registry_applications", "Applications by workflow state.", labels=["state"]
        )
        counts = {
            row["state"]: row["n"]
            for row in Application.objects.order_by().values("state").annotate(n=Count("pk"))
        }
        for state in ApplicationState:
            by_state.add_metric([state.value], counts.get(state.value, 0))
        yield by_state
        yield GaugeMetricFamily(
            "registry_applications_overdue",
            "Open applications past their working-day deadline.",
            value=applications_overdue(on=timezone.localdate(now)).count(),
        )
        yield GaugeMetricFamily(
            "registry_certificate_pdf_backlog",
            "Certificates whose PDF is missing or outdated.",
            value=certificates_pdf_outdated().count(),
        )
        failures = GaugeMetricFamily(
            "registry_celery_task_failures_24h",
            "Celery tasks that failed for good in the last 24 hours, by task (from the job-run table).",
            labels=["task"],
        )
        for task, n in sorted(selectors.task_failures_since(since=now - FAILURE_WINDOW).items()):
            failures.add_metric([task], n)
        yield failures
        last_run = GaugeMetricFamily(
            "registry_job_last_success_timestamp_seconds",
            "When each scheduled job last succeeded (Unix time).",
            labels=["job"],
        )
        stale = GaugeMetricFamily(
            "registry_job_needs_attention",
            "1 when a scheduled job missed its window or its last run failed.",
            labels=["job"],
        )
        for job in selectors.jobs_status(now=now):
            if job.last_success_at is not None:
                last_run.add_metric([job.key], job.last_success_at.timestamp())
            stale.add_metric([job.key], 1 if job.needs_attention else 0)
        yield last_run
        yield stale


collector = RegistryCollector()


def register() -> None:
    """Add the collector to the default registry once (AppConfig.ready may run more than once in tests)."""
    with contextlib.suppress(ValueError):  # already registered
        REGISTRY.register(collector)
