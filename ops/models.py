"""What the scheduled jobs did: one row per run of a job in CELERY_BEAT_SCHEDULE, and one per failed task.

Written by the Celery signal receivers in `ops.signals`, in whichever process runs the task, so the web
process (the jobs page, /readyz, /metrics) sees every worker's runs. Kept bounded: `job_runs_prune` (a
daily job) deletes rows older than REGISTRY_JOB_RUN_RETENTION_DAYS.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    task = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    periodic = models.BooleanField(_("scheduled job"), default=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    count = models.IntegerField(_("count"), null=True, blank=True)  # the task's return value, when a number
    summary = models.CharField(_("summary"), max_length=200, blank=True)  # any other return value, short
    error = models.CharField(_("error"), max_length=500, blank=True)  # exception class and redacted message
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        indexes = [
            models.Index(fields=["task", "-started_at"], name="ops_jobrun_task_started"),
            models.Index(fields=["outcome", "started_at"], name="ops_jobrun_outcome_started"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"
