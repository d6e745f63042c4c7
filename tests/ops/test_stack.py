"""deploy/stack.sh brings the whole stack up from this checkout and /readyz reports every part (issue 21).

The script runs as an operator would run it, in its no-systemd mode (background processes with pid files):
PostgreSQL and Redis from Debian's packages, a fresh database and role, migrations, static files, gunicorn
behind nginx, a Celery worker and the single beat. The test asks nginx for /readyz until the heartbeat
that beat sends and a worker runs has been recorded, then checks each part by name, and takes it all down.
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "deploy" / "stack.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        capture_output=True,
    )


def _readyz(port: int) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/readyz", headers={"Host": "localhost"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_stack_script_starts_every_part_and_readyz_reports_each(tmp_path):
    if shutil.which("nginx") is None and os.geteuid() != 0:
        pytest.skip("nginx is not installed and this user cannot install it (deploy/stack.sh packages)")
    name = f"stack_{uuid.uuid4().hex[:8]}"
    http_port, app_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "REGISTRY_MODE": "processes",
        "REGISTRY_HOME": str(tmp_path / "home"),
        "REGISTRY_VENV": str(Path(os.sys.executable).parent.parent),
        "REGISTRY_DB": name,
        "REGISTRY_REDIS_DB": "12",
        "REGISTRY_HTTP_PORT": str(http_port),
        "REGISTRY_APP_PORT": str(app_port),
        "REGISTRY_SERVER_NAME": "localhost",
        "REGISTRY_READY_SECONDS": "180",
    }
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        env.pop(key, None)  # the stack's own environment file decides these, as on a server
    try:
        started = time.monotonic()
        up = subprocess.run([str(STACK), "up"], env=env, capture_output=True, text=True, timeout=600)
        assert up.returncode == 0, up.stderr[-3000:] + _logs(tmp_path)
        status, body = _readyz(http_port)
        assert status == 200, body
        assert body["status"] == "ok"
        checks = body["checks"]
        for part in ("database", "cache", "storage", "worker", "beat"):
            assert checks[part]["status"] == "ok", (part, checks[part])
        assert checks["calendar"]["status"] in {"ok", "warning", "failed"}
        assert checks["signing"]["status"] == "ok"  # the development CA, no key configured here
        # Behind nginx, a page and a static file are served too.
        with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/static/css/site.css", timeout=10) as r:
            assert r.status == 200
        env_file = Path(env["REGISTRY_HOME"]) / "registry.env"
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        print(f"stack up and ready in {time.monotonic() - started:.0f} s")
    finally:
        subprocess.run([str(STACK), "down"], env=env, capture_output=True, timeout=120)
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _psql(f'DROP ROLE IF EXISTS "{name}"')


def _logs(tmp_path: Path) -> str:
    out = []
    for log in sorted((tmp_path / "home" / "var" / "log").glob("*.log")):
        out.append(f"\n--- {log.name}\n" + log.read_text(errors="replace")[-2000:])
    return "".join(out)
