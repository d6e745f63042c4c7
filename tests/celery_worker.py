"""A real Celery worker for the tests marked `redis`: a separate process consuming a queue of its own.

The worker gets the test database (on PostgreSQL) so tasks it runs see what the test committed; tests that
use it therefore need `django_db(transaction=True)`. Each test session uses its own queue name, so parallel
runs on one Redis never take each other's tasks.
"""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from common.queue import broker_breaker
from config.celery import app as celery_app


@dataclass
class WorkerHandle:
    queue: str
    hostname: str
    log: Path

    def wait_done(self, result, *, timeout: float = 60) -> str:
        """Wait until the worker's log says the task `result` names succeeded; return that line.

        No result backend is configured (nothing in the application reads results), so the tests learn
        that a task finished from the worker, as an operator would, not from `result.get()`.
        """
        needle = f"[{result.id}] succeeded"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log.read_text(errors="replace").splitlines():
                if needle in line:
                    return line
                if f"[{result.id}] raised" in line:
                    pytest.fail(f"the task failed in the worker: {line}", pytrace=False)
            time.sleep(0.1)
        tail = self.log.read_text()[-3000:]
        pytest.fail(f"the worker did not finish task {result.id}:\n{tail}", pytrace=False)


def _database_url() -> str | None:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        return None
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@contextmanager
def worker_process(*, queue: str, log: Path, extra_env: dict[str, str] | None = None):
    """Run a real worker (solo pool) consuming `queue`, with the test-only tasks of tests/celery_tasks.py;
    yield its Popen once it answers a ping; terminate it on exit (if it is still alive)."""
    hostname = f"{queue}-{uuid.uuid4().hex[:6]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        **(extra_env or {}),
    }
    url = _database_url()
    if url:
        env["DATABASE_URL"] = url
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--queues", queue,
               "--hostname", hostname, "--without-gossip", "--without-mingle", "--loglevel=INFO",
               "--include", "tests.celery_tasks"]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
        )
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()[-3000:]}", pytrace=False)
        process.hostname = hostname  # type: ignore[attr-defined]
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    from tests.conftest import service_missing

    reason = service_missing("redis")
    if reason:
        if os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}:
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    queue = f"test-{uuid.uuid4().hex[:10]}"
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    with django_db_blocker.unblock(), worker_process(queue=queue, log=log) as process:
        yield WorkerHandle(queue=queue, hostname=process.hostname, log=log)


@pytest.fixture
def through_broker(celery_worker):
    """Within the test, tasks go to Redis and the real worker instead of running in-process."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager = False
    conf.task_default_queue = celery_worker.queue
    broker_breaker.reset()
    try:
        yield celery_worker
    finally:
        conf.task_always_eager, conf.task_default_queue = saved
        broker_breaker.reset()


@contextmanager
def broker_at(url: str, *, queue: str | None = None, result_backend_too: bool = True):
    """Within the block, this process sends tasks (not runs them in-process) to the broker at `url`.

    The app's connection and producer pools are swapped out and restored afterwards, so neither a
    connection made before the block nor one made in it leaks across it. When the settings configure a
    result backend, it is pointed at the same Redis (as production runs both on one server) unless
    `result_backend_too` is False."""
    conf = celery_app.conf
    saved = (
        conf.get("broker_write_url"),
        conf.task_always_eager,
        conf.task_default_queue,
        conf.result_backend,
        celery_app._pool,
        celery_app.amqp._producer_pool,
        celery_app._backend_cache,
        getattr(celery_app._local, "backend", None),
    )
    # broker_write_url, not broker_url: Celery reads the CELERY_BROKER_URL environment variable before
    # conf.broker_url, so only the write URL setting can point the producer elsewhere.
    conf.broker_write_url, conf.task_always_eager = url, False
    if queue:
        conf.task_default_queue = queue
    if result_backend_too and conf.result_backend:
        conf.result_backend = url
    celery_app._pool = celery_app.amqp._producer_pool = None
    celery_app._backend_cache = celery_app._local.backend = None
    broker_breaker.reset()
    try:
        yield
    finally:
        broker_breaker.reset()
        # Not closed: kombu's global producer pools are keyed by connection and would hand the closed
        # pool out again. The dead broker's pool holds no live connection; it is simply dropped.
        conf.broker_write_url, conf.task_always_eager, conf.task_default_queue = saved[:3]
        conf.result_backend = saved[3]
        celery_app._pool, celery_app.amqp._producer_pool = saved[4], saved[5]
        celery_app._backend_cache, celery_app._local.backend = saved[6], saved[7]


@contextmanager
def broker_unreachable(url: str = "redis://127.0.0.1:1/0"):
    """Within the block, tasks are sent (not run in-process) to a broker nothing listens on: the moment
    Redis is down. (The result backend, if any, is left where it is.)"""
    with broker_at(url, result_backend_too=False):
        yield
