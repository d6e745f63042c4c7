"""Load on loopback: a gunicorn server on a local port, and wrk for a few seconds against a URL.

Everything here is bounded: the server binds 127.0.0.1 only and is stopped (SIGTERM, then SIGKILL) when
the `server()` block ends, whatever happens inside it; wrk runs for a fixed number of seconds.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# wrk's Lua hook: print the summary and the percentiles we report, as one JSON line.
_WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max))
end
"""


@dataclass
class LoadResult:
    url: str
    requests: int
    seconds: float
    failed: int  # non-2xx/3xx answers and socket errors
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @property
    def per_second(self) -> float:
        """Successful requests per second: failures (e.g. rate-limit refusals) do not count."""
        return (self.requests - self.failed) / self.seconds


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback server
            return response.status < 500
    except urllib.error.HTTPError as e:
        return e.code < 500
    except OSError:
        return False


@contextlib.contextmanager
def server(*, port: int, workers: int = 2, env: dict[str, str] | None = None) -> Iterator[str]:
    """gunicorn serving config.wsgi with the benchmark settings on 127.0.0.1:`port`; yields the base URL."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if gunicorn is None:
        raise RuntimeError("gunicorn is not installed")
    base = f"http://127.0.0.1:{port}"
    if _answers(base + "/bench/minimal/"):
        raise RuntimeError(f"something already listens on port {port}; choose another with --port")
    process_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench", **(env or {})}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own server
            [
                gunicorn,
                "config.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while not _answers(base + "/bench/minimal/"):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"gunicorn did not start:\n{output}")
                time.sleep(0.2)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wrk_missing() -> str | None:
    """Why wrk cannot run here, or None."""
    if shutil.which("wrk") is None:
        return "wrk is not installed (Debian: apt-get install wrk; `make bench` installs it when run as root)"
    return None


def wrk(url: str, *, seconds: int = 5, connections: int = 16, threads: int = 2) -> LoadResult:
    """wrk against `url` for `seconds` (it stops by itself); percentiles from wrk's own histogram."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(_WRK_REPORT)
        script.flush()
        out = subprocess.run(  # noqa: S603 - fixed arguments
            [
                binary,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout
    report = json.loads(next(line for line in reversed(out.splitlines()) if line.startswith("{")))
    return LoadResult(
        url=url,
        requests=report["requests"],
        seconds=report["duration_us"] / 1e6,
        failed=report["status_errors"] + report["socket_errors"],
        p50_ms=report["p50_us"] / 1000,
        p90_ms=report["p90_us"] / 1000,
        p95_ms=report["p95_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        max_ms=report["max_us"] / 1000,
    )
