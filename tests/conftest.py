"""Test infrastructure: markers for real services and the browser, and the shared fixtures.

- `@pytest.mark.postgres`: needs DATABASE_URL to point at PostgreSQL.
- `@pytest.mark.redis`: needs CELERY_BROKER_URL to point at a reachable Redis.
- `@pytest.mark.e2e`: needs Debian's Chromium at /usr/bin/chromium (tests/e2e/conftest.py).
- `@pytest.mark.real_otp`: signing in walks the real two-factor pages (see `_second_factor_on_login`).

Without the service such a test is skipped with the reason printed (`-ra`); with REQUIRE_SERVICES=1
(or REQUIRE_E2E=1 for the browser) the missing service fails the test instead, so CI cannot pass by
skipping.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth.signals import user_logged_in

from accounts.roles import Role
from tests.factories import UserFactory
from tests.otp import verified_by_second_factor


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def service_missing(marker: str) -> str | None:
    """Why the service `marker` names is not available, or None when it is."""
    if marker == "postgres":
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    elif marker == "redis":
        url = os.environ.get("CELERY_BROKER_URL", "")
        if not url.startswith("redis"):
            return "needs Redis: set CELERY_BROKER_URL=redis://..."
        if not _reachable(url, 6379):
            return f"Redis at {urlparse(url).hostname}:{urlparse(url).port or 6379} is not reachable"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in ("postgres", "redis"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = service_missing(marker)
        if reason is None:
            continue
        if _env_flag("REQUIRE_SERVICES"):
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    broker = os.environ.get("CELERY_BROKER_URL") or "none (tasks run in-process)"
    return [f"database: {db['ENGINE'].rsplit('.', 1)[-1]}", f"celery broker: {broker}"]


@pytest.fixture(scope="session", autouse=True)
def signing_ca_dir(tmp_path_factory):
    """The tests' own development CA (registry/signing.py), generated once per run in a temporary directory:
    never the developer's var/dev-signing/. Its root is `signing_ca_dir / "ca.pem"`. Worker processes the
    tests start (tests/celery_worker.py) inherit it through the environment."""
    from django.test import override_settings

    from registry.signing import development_ca_ensure

    directory = development_ca_ensure(tmp_path_factory.mktemp("signing") / "dev-ca")
    os.environ["REGISTRY_SIGNING_DEV_DIR"] = str(directory)
    with override_settings(REGISTRY_SIGNING_DEV_DIR=directory):
        yield directory
    os.environ.pop("REGISTRY_SIGNING_DEV_DIR", None)


@pytest.fixture(autouse=True)
def _fresh_workday_calendar():
    """Each test starts with no cached working-day calendar: a rolled-back test's calendar must not leak.

    The first working-day call in a test loads the calendar (3 queries); a test that counts queries
    around such a call should request `workday_calendar` first.
    """
    from workdays import working_days

    working_days.invalidate()
    yield
    working_days.invalidate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters (sign-up, /verify/, spreadsheet uploads) live in the cache, which outlives a
    test; user and client ids repeat between tests, so each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def workday_calendar(db):
    """The working-day calendar, loaded, so that the test's own working-day calls run no query."""
    from workdays import working_days

    return working_days.current_calendar()


@pytest.fixture
def association_user(db):
    return UserFactory(username="assoc", role=Role.ASSOCIATION)


@pytest.fixture
def training_centre_user(db):
    return UserFactory(username="centre", role=Role.TRAINING_CENTRE)


@pytest.fixture
def bureau_user(db):
    return UserFactory(username="bureau", role=Role.BUREAU)


@pytest.fixture
def inspector_user(db):
    return UserFactory(username="inspector", role=Role.INSPECTOR)


@pytest.fixture
def enterprise_user(db):
    from tests.factories import EmployerFactory

    return UserFactory(username="clerk", role=Role.ENTERPRISE, employer=EmployerFactory())


@pytest.fixture(autouse=True)
def _second_factor_on_login(request):
    """`client.force_login(user)` (and a sign-in through the login page) on a user who needs two-factor
    authentication yields a session verified with a confirmed authenticator made for that user, as if the
    code page had been passed. Tests marked `real_otp`, and the browser tests, walk the real pages."""
    if request.node.get_closest_marker("real_otp") or request.node.get_closest_marker("e2e"):
        yield
        return
    user_logged_in.connect(verified_by_second_factor, dispatch_uid="tests.second_factor")
    try:
        yield
    finally:
        user_logged_in.disconnect(dispatch_uid="tests.second_factor")


pytest_plugins = ["tests.celery_worker", "tests.redis_server", "tests.silent_server"]
