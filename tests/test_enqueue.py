"""`common.queue.enqueue`: handing a task to the broker never raises and never holds a request up.

A broker that refuses fails at once; one that hangs costs one REDIS_TIMEOUT, after which the process goes
on without it for REDIS_RETRY_SECONDS (the circuit breaker), so a request that enqueues many tasks (a bulk
issue) pays that timeout once, not once per task. What is not enqueued is redone by the sweeps
(tests/registry/test_notification_outbox.py, test_certificate_pdf_generation.py).
"""

import logging

from celery import shared_task

from common.queue import enqueue
from config.celery import app as celery_app
from config.celery import ping
from tests.celery_worker import broker_at, broker_unreachable


@shared_task(name="tests.always_fails")
def always_fails() -> None:
    raise RuntimeError("boom")


def test_a_broker_that_refuses_is_logged_and_the_caller_goes_on(caplog):
    with broker_unreachable(), caplog.at_level(logging.ERROR, logger="config"):
        assert enqueue(ping) is False
    assert "could not enqueue config.ping" in caplog.text
    assert "unavailable" in caplog.text


def test_a_broker_that_hangs_is_given_one_timeout_then_skipped(silent_server):
    with broker_at(silent_server.url()):
        assert enqueue(ping) is False  # waited REDIS_TIMEOUT for an answer that never came
        tried = silent_server.connections
        assert tried >= 1
        assert [enqueue(ping) for _ in range(5)] == [False] * 5
        assert silent_server.connections == tried  # went on without it: no new connection, no new wait


def test_without_the_breaker_every_enqueue_would_wait_again(settings, silent_server):
    """The control for the test above: with no cool-down, each call tries the hung broker anew."""
    settings.REDIS_RETRY_SECONDS = 0
    with broker_at(silent_server.url()):
        assert enqueue(ping) is False
        tried = silent_server.connections
        assert enqueue(ping) is False
        assert silent_server.connections > tried


def test_nothing_reads_results_so_no_result_backend_is_in_the_way():
    """Celery subscribes to a task's result before publishing it when a result backend is configured: a
    Redis outage there hung every enqueue for 19 s and then raised RuntimeError (issue 11, item 7)."""
    assert celery_app.conf.result_backend is None
    assert celery_app.conf.task_ignore_result is True
    assert celery_app.conf.task_publish_retry is False


def test_a_task_that_fails_in_process_is_logged_not_raised(caplog):
    """The embedded default (no broker) runs tasks here, after commit: a failure must not become the
    response of the request that committed."""
    assert celery_app.conf.task_always_eager
    with caplog.at_level(logging.ERROR, logger="config"):
        assert enqueue(always_fails) is False
    assert "task tests.always_fails{} failed in-process" in caplog.text
    assert "RuntimeError: boom" in caplog.text

    assert enqueue(ping) is True  # and one that succeeds says so


def test_no_task_waits_or_runs_past_the_visibility_timeout(settings):
    """Redis hands an unacknowledged message to another worker after the visibility timeout: a retry
    countdown longer than it would run a task twice. 900 s (not 3600) so a crashed worker's task is not
    held back an hour; docs/decisions/0051-redis-outages.md."""
    celery_app.loader.import_default_modules()  # what a worker does at start: every app's tasks module
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility == 900
    ours = {
        name: task for name, task in celery_app.tasks.items() if name.split(".")[0] in {"registry", "audit"}
    }
    assert "registry.deliver_notifications" in ours
    for name, task in ours.items():
        if getattr(task, "autoretry_for", ()):
            assert task.retry_backoff_max * 2 <= visibility, name
    # The one task that may run longer at national scale is acknowledged when it starts.
    assert celery_app.tasks["audit.verify_chains"].acks_late is False
    assert celery_app.tasks["registry.generate_certificate_pdf"].acks_late is True
