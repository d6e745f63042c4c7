import pytest

from config.celery import ping

pytestmark = pytest.mark.redis


def test_a_real_worker_processes_a_task_through_redis(through_broker):
    result = ping.apply_async()
    assert through_broker.wait_done(result).endswith(": 'pong'")
    # The task really travelled: the worker (a separate process) logged receiving it.
    assert f"Task config.ping[{result.id}] received" in through_broker.log.read_text()
