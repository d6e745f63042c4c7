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
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app


@dataclass
class WorkerHandle:
    queue: str
    hostname: str
    log: Path


def _database_url() -> str | None:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        return None
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    from tests.conftest import service_missing

    reason = service_missing("redis")
    if reason:
        if os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}:
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    queue = f"test-{uuid.uuid4().hex[:10]}"
    hostname = f"{queue}@localhost"
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
    }
    with django_db_blocker.unblock():
        url = _database_url()
    if url:
        env["DATABASE_URL"] = url
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--queues", queue,
               "--hostname", hostname, "--without-gossip", "--without-mingle", "--loglevel=INFO"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
        )
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()[-3000:]}", pytrace=False)
        yield WorkerHandle(queue=queue, hostname=hostname, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def through_broker(celery_worker):
    """Within the test, tasks go to Redis and the real worker instead of running in-process."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager = False
    conf.task_default_queue = celery_worker.queue
    try:
        yield celery_worker
    finally:
        conf.task_always_eager, conf.task_default_queue = saved
