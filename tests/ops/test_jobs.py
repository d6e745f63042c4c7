"""Scheduled jobs that are seen (issue 21): every run recorded, a missed or failed job a visible warning."""

import datetime as dt

import pytest
import time_machine
from celery import shared_task
from celery.schedules import crontab, schedule
from django.conf import settings
from django.urls import reverse

from config.celery import ping
from ops import schedules, selectors
from ops.models import JobRun
from ops.services import job_runs_prune
from ops.tasks import prune_job_runs
from registry import tasks as registry_tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BEIJING = dt.timezone(dt.timedelta(hours=8))
# 2026-11-16 10:00 in Beijing: every daily job (00:10 … 09:40) was due earlier today.
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=BEIJING)


@shared_task(name="tests.ops.boom")
def boom() -> None:
    raise ValueError("could not reach 13812345678 about 110101199003074514")


def _ran_on_time(now: dt.datetime) -> None:
    """A run of every scheduled job at the last time it was due."""
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        due = schedules.previous_due(entry["schedule"], at_or_before=now)
        JobRun.objects.create(
            task=entry["task"], started_at=due, finished_at=due, outcome=JobRun.Outcome.OK, count=0
        )


def _status(key: str, now: dt.datetime) -> selectors.JobStatus:
    return next(job for job in selectors.jobs_status(now=now) if job.key == key)


# --- recording ----------------------------------------------------------------------------------------
def test_every_scheduled_job_has_a_name_for_people():
    assert set(settings.CELERY_BEAT_SCHEDULE) <= set(selectors.JOBS)
    assert set(selectors.JOBS) <= set(settings.CELERY_BEAT_SCHEDULE), "a name for a job that is gone"


def test_a_scheduled_job_run_is_recorded_with_what_it_did():
    old = JobRun.objects.create(task="ops.heartbeat", started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    prune_job_runs.delay()
    assert not JobRun.objects.filter(pk=old.pk).exists()
    run = JobRun.objects.get(task="ops.prune_job_runs")
    assert run.outcome == JobRun.Outcome.OK
    assert run.count == 1  # it deleted the old row
    assert run.finished_at >= run.started_at
    assert run.request_id  # a job with no caller gets an id of its own
    assert _status("prune-job-runs", run.started_at).did == "已删除记录：1 条"


def test_a_failed_scheduled_job_is_recorded_as_failed(monkeypatch):
    def broken() -> int:
        raise RuntimeError("disk full for 13812345678")

    monkeypatch.setattr(registry_tasks, "certificates_expire", broken)
    # As a worker runs it: the failure is handled, not raised into the caller. (In-process with
    # CELERY_TASK_EAGER_PROPAGATES, Celery raises before its failure signals; the run stays "running" and
    # turns stale, and common.queue.enqueue logs the exception.)
    result = registry_tasks.expire_certificates.apply(throw=False)
    assert result.failed()
    run = JobRun.objects.get(task="registry.expire_certificates")
    assert run.outcome == JobRun.Outcome.FAILED
    assert run.error.startswith("RuntimeError: disk full for 138****5678")
    assert _status("expire-certificates", run.started_at).status == selectors.Status.FAILED


def test_any_task_failing_gets_a_row_with_the_numbers_masked():
    assert boom.apply(throw=False).failed()
    run = JobRun.objects.get(task="tests.ops.boom")
    assert run.periodic is False
    assert run.outcome == JobRun.Outcome.FAILED
    assert "13812345678" not in run.error
    assert "110101199003074514" not in run.error
    assert "138****5678" in run.error


def test_other_tasks_write_no_row_when_they_succeed():
    ping.delay()
    assert not JobRun.objects.exists()


def test_old_runs_are_pruned_after_the_retention_period(settings):
    settings.REGISTRY_JOB_RUN_RETENTION_DAYS = 30
    now = dt.datetime(2026, 11, 16, tzinfo=dt.UTC)
    kept = JobRun.objects.create(task="t", started_at=now - dt.timedelta(days=29))
    JobRun.objects.create(task="t", started_at=now - dt.timedelta(days=31))
    assert job_runs_prune(now=now) == 1
    assert list(JobRun.objects.all()) == [kept]


# --- the schedule in words and instants ------------------------------------------------------------------
def test_schedules_read_as_words():
    assert schedules.describe(crontab(hour=0, minute=20)) == "每天 00:20"
    assert schedules.describe(crontab(minute="*/15")) == "每 15 分钟"
    assert schedules.describe(crontab(minute="*")) == "每分钟"
    assert schedules.describe(crontab(minute=5)) == "每小时第 5 分"
    assert schedules.describe(crontab(hour=9, minute=0, day_of_week="mon")) == "按自定义时间表"
    assert schedules.describe(schedule(dt.timedelta(minutes=30))) == "每 30 分钟"


def test_previous_and_next_due_follow_the_crontab_in_beijing_time():
    daily = crontab(hour=0, minute=20)
    at = dt.datetime(2026, 11, 16, 0, 19, tzinfo=BEIJING)
    assert schedules.previous_due(daily, at_or_before=at) == dt.datetime(2026, 11, 15, 0, 20, tzinfo=BEIJING)
    assert schedules.next_due(daily, after=at) == dt.datetime(2026, 11, 16, 0, 20, tzinfo=BEIJING)
    quarter = crontab(minute="*/15")
    assert schedules.previous_due(quarter, at_or_before=at) == dt.datetime(
        2026, 11, 16, 0, 15, tzinfo=BEIJING
    )
    monthly = crontab(hour=9, minute=0, day_of_month=1)
    assert schedules.previous_due(monthly, at_or_before=at) == dt.datetime(2026, 11, 1, 9, 0, tzinfo=BEIJING)
    assert schedules.next_due(monthly, after=at) == dt.datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING)


# --- stale jobs ---------------------------------------------------------------------------------------
def test_jobs_that_ran_when_due_are_ok():
    _ran_on_time(NOW)
    assert {job.key: job.status for job in selectors.jobs_status(now=NOW)} == dict.fromkeys(
        settings.CELERY_BEAT_SCHEDULE, "ok"
    )


def test_a_daily_job_that_did_not_run_is_stale_after_its_grace(settings):
    settings.REGISTRY_JOB_GRACE_MINUTES = 15
    _ran_on_time(NOW - dt.timedelta(days=1))  # everything ran yesterday ...
    for key in ("ops-heartbeat", "deliver-notifications", "sweep-certificate-pdfs"):  # ... these today too
        task = settings.CELERY_BEAT_SCHEDULE[key]["task"]
        JobRun.objects.create(task=task, started_at=NOW - dt.timedelta(minutes=1), outcome=JobRun.Outcome.OK)
    deemed = _status("apply-deemed-acceptance", NOW)  # due at 00:20 today, not run
    assert deemed.status == selectors.Status.STALE
    assert deemed.needs_attention
    assert deemed.due_at == dt.datetime(2026, 11, 16, 0, 20, tzinfo=BEIJING)
    assert deemed.next_at == dt.datetime(2026, 11, 17, 0, 20, tzinfo=BEIJING)
    # Within the grace period after it was due, it is not stale yet.
    early = dt.datetime(2026, 11, 16, 0, 30, tzinfo=BEIJING)
    assert _status("apply-deemed-acceptance", early).status == selectors.Status.OK
    assert _status("ops-heartbeat", NOW).status == selectors.Status.OK


def test_a_job_never_run_since_recording_began_is_waiting_not_stale():
    JobRun.objects.create(task="ops.heartbeat", started_at=NOW - dt.timedelta(minutes=1))
    assert _status("send-report-reminders", NOW).status == selectors.Status.WAITING  # due 09:40, before that
    assert _status("verify-audit-chains", NOW + dt.timedelta(days=1)).status == selectors.Status.STALE


@pytest.fixture
def association_client(client, association_user):
    client.force_login(association_user)
    return client


def test_the_jobs_page_shows_a_stale_job_as_a_warning(association_client):
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        _ran_on_time(NOW - dt.timedelta(days=1))
    with time_machine.travel(NOW, tick=False):
        html = association_client.get(reverse("ops:jobs")).content.decode()
        index = association_client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="jobs-attention"' in html
    assert 'data-testid="job-apply-deemed-acceptance" data-status="stale"' in html
    assert "逾期未作受理决定的申请视为受理" in html
    assert "每天 00:20" in html
    assert "2026-11-15 00:20" in html  # the last run
    assert "2026-11-17 00:20" in html  # the next one
    assert 'data-testid="scheduled-jobs-banner"' in index
    assert reverse("ops:jobs") in index


def test_no_warning_when_every_job_ran(association_client):
    with time_machine.travel(NOW, tick=False):
        _ran_on_time(NOW)
        html = association_client.get(reverse("ops:jobs")).content.decode()
        index = association_client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="jobs-attention"' not in html
    assert 'data-status="stale"' not in html
    assert "已失效注册证：0 份" in html
    assert 'data-testid="scheduled-jobs-banner"' not in index


def test_the_banner_is_not_shown_to_the_training_centre(client, training_centre_user):
    client.force_login(training_centre_user)
    with time_machine.travel(NOW, tick=False):
        JobRun.objects.create(task="ops.heartbeat", started_at=NOW - dt.timedelta(days=3))
        index = client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="scheduled-jobs-banner"' not in index


def test_the_jobs_page_is_the_association_s(client):
    client.force_login(UserFactory())  # a user without the association's role
    assert client.get(reverse("ops:jobs")).status_code == 403


def test_the_jobs_page_query_count_does_not_grow_with_runs(association_client, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        _ran_on_time(NOW)
        association_client.get(reverse("ops:jobs"))  # warm the session and the calendar
        with django_assert_max_num_queries(8) as few:
            association_client.get(reverse("ops:jobs"))
        for _ in range(3):
            _ran_on_time(NOW - dt.timedelta(days=1))
        with django_assert_max_num_queries(len(few.captured_queries)):
            association_client.get(reverse("ops:jobs"))
