"""The ops app's scheduled jobs (settings.CELERY_BEAT_SCHEDULE, "operations" block)."""

from celery import shared_task

from ops.services import job_runs_prune


@shared_task(name="ops.heartbeat", acks_late=False)
def heartbeat() -> None:
    """Beat sends it every minute; the job-run row its run writes (ops.signals) is the proof, for /readyz,
    that beat schedules and a worker answers. It does nothing else."""


@shared_task(name="ops.prune_job_runs")
def prune_job_runs() -> int:
    return job_runs_prune()
