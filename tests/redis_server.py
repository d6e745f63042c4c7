"""A private, throw-away redis-server for the outage tests: started on a free port, killed and restarted
at will, never the machine's shared Redis (which other test runs use and which must never be stopped).

Nothing is persisted (`--save "" --appendonly no`): a restart comes back empty, like a Redis that lost
its data, which is the harder case for the registry (queued messages are gone too).
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, *, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        assert self.process is None, "already running"
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--protected-mode", "yes"]  # fmt: skip
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        pytest.fail(f"redis-server did not start:\n{self.log.read_text()[-2000:]}", pytrace=False)

    def stop(self) -> None:
        """Kill it outright (SIGKILL): an outage, not a polite shutdown."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=20)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    """A stopped RedisServer on a free port (call .start()); killed at the end of the test, whatever
    happens."""
    if shutil.which("redis-server") is None:
        reason = "needs the redis-server program (Debian package redis-server)"
        if os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    server = RedisServer(port=free_port(), log=tmp_path / "redis-server.log")
    try:
        yield server
    finally:
        server.stop()
