"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, headless) against a live server.

Playwright's own browser download is never used (this machine cannot fetch it); the `playwright` Python
package brings only its driver. Without Chromium the tests are skipped with the reason; with REQUIRE_E2E=1
they fail instead, so CI cannot pass by skipping them.
"""

import base64
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The flags this machine needs: no sandbox as root, and no background calls to the (closed) internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


def _missing_reason() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs the playwright Python package"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _missing_reason()
    if reason:
        if os.environ.get("REQUIRE_E2E", "") in {"1", "true", "yes"}:
            pytest.fail(f"REQUIRE_E2E=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
    # (factories, assertions) are still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context per test, in Chinese, with the live server as base URL.

    A failing test leaves a screenshot in test-artifacts/ for whoever reads the CI log.
    """
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def login(page, username: str, password: str = "correct-horse-battery") -> None:
    """Log in through the real login form, as a person would, and give the second factor if the account
    needs one: enrol at the first sign-in, a code from the "phone" afterwards."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state("networkidle")
    step = urlparse(page.url).path
    if step == "/accounts/two-factor/setup/":
        enrol_second_factor(page)
    elif step == "/accounts/two-factor/verify/":
        give_second_factor(page, username)


def totp_code(key: bytes, *, after_step: int = -1) -> str:
    """The six digits an authenticator app shows for `key`; if the current step's code was used already
    (`after_step`), the next step's, which the server accepts (one step of tolerance)."""
    from django_otp.oath import TOTP

    totp = TOTP(key)
    if totp.t() <= after_step:
        totp.time = totp.time + (after_step + 1 - totp.t()) * totp.step
    return f"{totp.token():06d}"


def enrol_second_factor(page) -> list[str]:
    """On the enrolment page: read the key as a person would type it into the app, confirm with a code,
    and return the recovery codes shown."""
    key = base64.b32decode(page.get_by_test_id("otp-key").inner_text().replace(" ", ""))
    page.get_by_label("验证码").fill(totp_code(key))
    page.get_by_role("button", name="确认并继续").click()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    page.get_by_role("link", name="我已保存恢复码，继续").click()
    page.wait_for_load_state("networkidle")
    return codes


def give_second_factor(page, username: str) -> None:
    """On the code page: the code the user's enrolled app shows now."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.get_by_label("验证码").fill(totp_code(device.bin_key, after_step=device.last_t))
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_load_state("networkidle")
