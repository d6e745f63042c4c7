"""Known vulnerabilities in the locked dependencies: `make audit-deps`, and part of `make test`.

    python scripts/audit_deps.py requirements.lock requirements-dev.lock

pip-audit looks every pinned release of the lock files up in an advisory database: PyPI's JSON API
(default) or OSV (AUDIT_DEPS_SERVICE=osv; AUDIT_DEPS_OSV_URL for another OSV-compatible endpoint).
Nothing is installed and nothing but names and versions leaves the machine. The outcome:

- a known vulnerability in a locked release: listed with its fixes, exit 1 — the build fails;
- every release audited, none vulnerable: exit 0;
- the advisory source cannot be reached, or answers without data for our releases (an intranet mirror of
  PyPI serves no per-release JSON): a notice that the audit did NOT run, exit 0, so that a build never
  fails because the network is down. REQUIRE_AUDIT=1 makes that exit 2, for a release pipeline that must
  have audited;
- the lock files cannot be read as exact pins (checked offline first): exit 2.

AUDIT_DEPS_IGNORE takes comma-separated advisory IDs accepted for now (say why in docs/decisions/).
Offline and on a connected machine: README, "Auditing dependencies".
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROBE_SECONDS = 5  # how long the reachability check waits before calling the source unreachable
REQUEST_SECONDS = 15  # pip-audit's own timeout per request, once the source answered the probe
OSV_URL = "https://api.osv.dev/v1/query"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")

OK, VULNERABLE, FAILED = 0, 1, 2


@dataclass(frozen=True)
class Settings:
    service: str = "pypi"
    osv_url: str = OSV_URL
    require: bool = False
    ignore: tuple[str, ...] = ()

    @classmethod
    def from_environment(cls, environ) -> "Settings":
        return cls(
            service=environ.get("AUDIT_DEPS_SERVICE", "pypi").strip().lower() or "pypi",
            osv_url=environ.get("AUDIT_DEPS_OSV_URL", OSV_URL).strip() or OSV_URL,
            require=environ.get("REQUIRE_AUDIT", "").strip().lower() in {"1", "true", "yes"},
            ignore=tuple(i.strip() for i in environ.get("AUDIT_DEPS_IGNORE", "").split(",") if i.strip()),
        )


def pins(lock_files: list[Path]) -> list[tuple[str, str]]:
    """(name, version) of every `name==version` line."""
    found = []
    for lock in lock_files:
        for line in lock.read_text(encoding="utf-8").splitlines():
            match = PIN.match(line.strip())
            if match:
                found.append((match.group(1), match.group(2)))
    return found


def probe(settings: Settings, name: str, version: str) -> str | None:
    """Why the advisory source cannot answer for `name==version` now, or None when it can."""
    if settings.service == "osv":
        where = settings.osv_url
        query = {"package": {"name": name, "ecosystem": "PyPI"}, "version": version}
        data = json.dumps(query).encode()
    else:
        where, data = f"https://pypi.org/pypi/{name}/{version}/json", None
    if not where.startswith(("https://", "http://")):
        return f"{where} is not an http(s) address"
    request = urllib.request.Request(where, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=PROBE_SECONDS) as response:  # noqa: S310 (http(s) only)
            response.read(1)
    except urllib.error.HTTPError as error:
        return f"{where} answered {error.code}: it has no advisory data for {name} {version}"
    except (OSError, ValueError) as error:  # DNS, refused, timeout, TLS, proxy
        return f"{where} is not reachable ({getattr(error, 'reason', error)})"
    return None


def pip_audit(settings: Settings, lock_files: list[Path], *, dry_run: bool) -> tuple[int, dict | None, str]:
    """Run pip-audit on the lock files: (exit code, its JSON report or None, stderr)."""
    with tempfile.TemporaryDirectory(prefix="audit-deps-") as tmp:
        report_path = Path(tmp) / "report.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
        ]
        for lock in lock_files:
            command += ["-r", str(lock)]
        command += [
            "-s",
            settings.service,
            "--timeout",
            str(REQUEST_SECONDS),
            "-f",
            "json",
            "-o",
            str(report_path),
        ]
        if settings.service == "osv":
            command += ["--osv-url", settings.osv_url]
        for advisory in settings.ignore:
            command += ["--ignore-vuln", advisory]
        if dry_run:
            command.append("--dry-run")
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        report = None
        if report_path.exists() and report_path.stat().st_size:
            try:
                report = json.loads(report_path.read_text(encoding="utf-8"))
            except ValueError:
                report = None
        return done.returncode, report, done.stderr


def audit(lock_files: list[Path], settings: Settings, out=sys.stdout) -> int:
    def say(text: str) -> None:
        print(text, file=out)

    def not_audited(reason: str) -> int:
        say(f"audit-deps: NOT AUDITED — {reason}.")
        say(
            "  The locked dependencies were not checked for known vulnerabilities. Run `make audit-deps` on a"
        )
        say('  machine that reaches the advisory source (README, "Auditing dependencies").')
        return FAILED if settings.require else OK

    pinned = pins(lock_files)
    if not pinned:
        say(f"audit-deps: no `name==version` pins in {', '.join(map(str, lock_files))}.")
        return FAILED
    code, _, stderr = pip_audit(settings, lock_files, dry_run=True)  # offline: the lock files and flags
    if code != 0:
        say(f"audit-deps: pip-audit cannot read the lock files:\n{stderr.strip()}")
        return FAILED

    name, version = next(((n, v) for n, v in pinned if n.lower() == "django"), pinned[0])
    reason = probe(settings, name, version)
    if reason:
        return not_audited(reason)

    code, report, stderr = pip_audit(settings, lock_files, dry_run=False)
    if report is None:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {code}"
        return not_audited(f"pip-audit did not finish against {settings.service} ({last})")

    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if vulnerable:
        count = sum(len(d["vulns"]) for d in vulnerable)
        say(f"audit-deps: {count} known vulnerabilities in {len(vulnerable)} locked packages:")
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
                aliases = ", ".join(vuln.get("aliases") or [])
                say(
                    f"  {dependency['name']} {dependency.get('version', '?')}: {vuln['id']}"
                    f"{f' ({aliases})' if aliases else ''} — fixed in {fixes}"
                )
        say("  Raise the bound in pyproject.toml and `make lock`, or accept one in AUDIT_DEPS_IGNORE.")
        return VULNERABLE
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        total = len(dependencies)
        return not_audited(
            f"{len(skipped)} of {total} locked packages not found at {settings.service}: {names}"
        )
    where = settings.service
    say(f"audit-deps: {len(dependencies)} locked releases checked at {where}: no known vulnerabilities.")
    return OK


def main(argv: list[str]) -> int:
    lock_files = [Path(a) for a in argv] or [Path("requirements.lock"), Path("requirements-dev.lock")]
    return audit(lock_files, Settings.from_environment(os.environ))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
