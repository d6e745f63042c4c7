"""`make audit-deps` (scripts/audit_deps.py, issue 11, item 11): a known vulnerability in a locked release
fails the build; an advisory source that cannot be reached, or has no data for our releases, gives a
notice that nothing was audited and never a pass; broken lock files are an error.

The real pip-audit runs against a small OSV-compatible server in the test (AUDIT_DEPS_OSV_URL), so the
whole path is exercised without the internet.
"""

import io
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from scripts import audit_deps
from scripts.audit_deps import FAILED, OK, VULNERABLE, Settings, audit, pins

ROOT = Path(django_settings.BASE_DIR)
ADVISORY = {
    "id": "GHSA-test-0001",
    "aliases": ["CVE-2026-00001"],
    "summary": "a planted advisory",
    "affected": [
        {
            "package": {"name": "django", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "5.2"}, {"fixed": "5.2.99"}]}],
        }
    ],
}


class FakeOSV(ThreadingHTTPServer):
    """Answers OSV's /v1/query: the advisories in `vulnerable` for those package names, none otherwise."""

    def __init__(self, vulnerable: dict[str, list[dict]]):
        self.vulnerable = vulnerable
        self.queries: list[str] = []
        super().__init__(("127.0.0.1", 0), _OSVHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/query"


class _OSVHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        if self.path != "/v1/query":
            self.send_error(404)
            return
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = query["package"]["name"]
        self.server.queries.append(name)
        vulns = self.server.vulnerable.get(name)
        body = json.dumps({"vulns": vulns} if vulns else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def osv():
    servers = []

    def start(vulnerable=None):
        server = FakeOSV(vulnerable or {})
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def lock(tmp_path):
    path = tmp_path / "requirements.lock"
    path.write_text("django==5.2.19\n    # via metrologist-registry (pyproject.toml)\nsix==1.17.0\n")
    return path


def _run(lock_files, settings) -> tuple[int, str]:
    out = io.StringIO()
    return audit(lock_files, settings, out=out), out.getvalue()


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1/query"


def test_a_known_vulnerability_in_a_locked_release_fails_the_audit(osv, lock):
    server = osv({"django": [ADVISORY]})
    code, out = _run([lock], Settings(service="osv", osv_url=server.url))
    assert code == VULNERABLE, out
    line = next(line for line in out.splitlines() if line.strip().startswith("django 5.2.19:"))
    assert "GHSA-test-0001" in line
    assert "CVE-2026-00001" in line
    assert line.endswith("fixed in 5.2.99")
    assert "six" in server.queries  # every pin was looked up


def test_no_known_vulnerability_passes(osv, lock):
    server = osv()
    code, out = _run([lock], Settings(service="osv", osv_url=server.url))
    assert code == OK, out
    assert "2 locked releases checked at osv: no known vulnerabilities" in out


def test_an_accepted_advisory_does_not_fail_the_audit(osv, lock):
    server = osv({"django": [ADVISORY]})
    code, out = _run([lock], Settings(service="osv", osv_url=server.url, ignore=("GHSA-test-0001",)))
    assert code == OK, out


def test_an_unreachable_source_gives_a_notice_and_never_a_pass(lock, monkeypatch):
    runs = []
    real = audit_deps.pip_audit
    monkeypatch.setattr(audit_deps, "pip_audit", lambda *a, **k: runs.append(k) or real(*a, **k))
    code, out = _run([lock], Settings(service="osv", osv_url=_closed_port_url()))
    assert code == OK  # a build must not fail because the network is down...
    assert "NOT AUDITED" in out
    assert "no known vulnerabilities" not in out  # ...nor claim what it did not check
    assert runs == [{"dry_run": True}]  # the lock files were read; nothing waited on the network

    code, out = _run([lock], Settings(service="osv", osv_url=_closed_port_url(), require=True))
    assert code == FAILED, out


def test_a_source_without_data_for_our_releases_is_not_a_pass(lock, monkeypatch):
    """What an intranet PyPI mirror does: it answers, but has no per-release data, so pip-audit skips every
    package and, left to itself, prints "No known vulnerabilities found" and exits 0."""
    skipped = {
        "dependencies": [
            {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"},
            {"name": "six", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        ],
        "fixes": [],
    }
    monkeypatch.setattr(audit_deps, "probe", lambda *a: None)
    monkeypatch.setattr(audit_deps, "pip_audit", lambda *a, dry_run: (0, None if dry_run else skipped, ""))
    code, out = _run([lock], Settings())
    assert code == OK
    assert "NOT AUDITED — 2 of 2 locked packages not found at pypi: django, six" in out
    code, _ = _run([lock], Settings(require=True))
    assert code == FAILED


def test_a_source_that_answers_404_gives_a_notice(osv, lock):
    server = osv()
    code, out = _run([lock], Settings(service="osv", osv_url=server.url.replace("/v1/query", "/nothing")))
    assert code == OK
    assert "NOT AUDITED" in out
    assert "answered 404" in out
    assert "no known vulnerabilities" not in out


def test_a_lock_file_without_exact_pins_is_an_error(tmp_path, osv):
    server = osv()
    loose = tmp_path / "loose.lock"
    loose.write_text("django==5.2.19\nsix>=1.16\n")
    code, out = _run([loose], Settings(service="osv", osv_url=server.url))
    assert code == FAILED, out
    assert "cannot read the lock files" in out
    empty = tmp_path / "empty.lock"
    empty.write_text("# nothing pinned\n")
    assert _run([empty], Settings(service="osv", osv_url=server.url))[0] == FAILED


def test_our_lock_files_are_exact_pins_pip_audit_reads_offline():
    lock_files = [ROOT / "requirements.lock", ROOT / "requirements-dev.lock"]
    assert any(name.lower() == "django" for name, _ in pins(lock_files))
    code, _, stderr = audit_deps.pip_audit(Settings(), lock_files, dry_run=True)
    assert code == 0, stderr


def test_settings_come_from_the_environment():
    settings = Settings.from_environment(
        {"AUDIT_DEPS_SERVICE": "OSV", "REQUIRE_AUDIT": "1", "AUDIT_DEPS_IGNORE": "GHSA-1, PYSEC-2,"}
    )
    assert settings == Settings(service="osv", require=True, ignore=("GHSA-1", "PYSEC-2"))
    assert Settings.from_environment({}) == Settings()
