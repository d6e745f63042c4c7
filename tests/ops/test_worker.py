"""Through the REAL Redis and a REAL worker process: the heartbeat row /readyz reads, and the request id
travelling from the publishing process into the worker (issue 21)."""

import time

import pytest

from common.queue import enqueue
from ops.logs import request_id_var
from ops.models import JobRun
from ops.tasks import heartbeat

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, *, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail("timed out waiting for the worker")


def test_the_worker_records_the_heartbeat_under_the_publisher_s_request_id(through_broker, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    token = request_id_var.set("req-from-web-1")
    try:
        assert enqueue(heartbeat)
    finally:
        request_id_var.reset(token)
    run = _wait_for(lambda: JobRun.objects.filter(task="ops.heartbeat", outcome=JobRun.Outcome.OK).first())
    assert run.request_id == "req-from-web-1"  # set in another process, from the message header
    assert run.finished_at is not None
    body = client.get("/readyz").json()
    assert body["checks"]["worker"]["status"] == "ok"
    assert body["checks"]["beat"]["status"] == "ok"
    # The worker's own log lines for that task carry the id too (plain format: "[req-from-web-1]").
    log = through_broker.log.read_text()
    assert "[req-from-web-1]" in log
