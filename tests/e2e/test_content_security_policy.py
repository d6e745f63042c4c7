"""Every role's pages in Chromium under the real Content-Security-Policy (issue 11, item 8).

A page fails on anything the policy blocked (a `securitypolicyviolation` event or the browser's console
error), on a script error, and on a script or style sheet that did not load. Users are signed in by a
session made on the server (force_login, the cookie copied into the browser), never by typing passwords,
so the test holds whatever the login steps become (two-factor authentication). The pages are the demo's
(tests/csp_pages.py); tests/test_inline_code.py renders the same pages without a browser.
"""

import re

import pytest
from django.conf import settings

from tests.csp_pages import Visitor, demo_visitors, every_admin_page
from tests.otp import verified_session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every page before its own scripts: a violation is reported even if the page navigates away.
REPORT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  const text = `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${where}`;
  window.__cspViolations.push(text);
  window.__cspViolation(text);
});
"""


class Watcher:
    """Collects every problem of the pages opened in one browser context."""

    def __init__(self, context):
        self.problems: list[str] = []
        self.current = "?"
        self.document = ""
        context.expose_function("__cspViolation", lambda text: self._add(f"CSP: {text}"))
        context.add_init_script(REPORT_VIOLATIONS)

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._add(f"script error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        return page

    def _add(self, problem: str) -> None:
        self.problems.append(f"{self.current}: {problem}")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if url.endswith("/favicon.ico"):
            return  # the browser asks for a favicon the site does not have; nothing on the page needs it
        if message.text.startswith("Failed to load resource") and url == self.document:
            return  # the page's own status (a 403 where the role may not go) is asserted by the walk
        self._add(f"console: {message.text}")

    def _request_failed(self, request) -> None:
        if request.resource_type in {"script", "stylesheet"}:
            self._add(f"{request.resource_type} failed: {request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.request.resource_type in {"script", "stylesheet"} and response.status >= 400:
            self._add(f"{response.request.resource_type} {response.status}: {response.url}")


def signed_in_context(browser, live_server, user, **options):
    """A browser context holding the user's session, made on the server as a test client makes it."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
    context.set_default_timeout(15_000)
    if user is not None:
        # The browser tests walk the real second-factor pages elsewhere (test_two_factor.py); here the session
        # has passed it, so that each page shown is the page asked for, not the code page.
        session = verified_session_cookie(user).value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
    return context


def settle(page) -> None:
    """Let the page's queued events (violation reports are dispatched as tasks) run before moving on."""
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")


def walk(browser, live_server, visitor: Visitor) -> tuple[list[str], int]:
    """Open each of the visitor's pages; (problems, pages that answered 200)."""
    context = signed_in_context(browser, live_server, visitor.user)
    watcher = Watcher(context)
    page = watcher.watch(context.new_page())
    shown = 0
    try:
        for path in visitor.paths:
            watcher.current = f"{visitor.label} {path}"
            watcher.document = f"{live_server.url}{path}"
            response = page.goto(path, wait_until="load")
            assert response is not None, watcher.current
            assert response.status in (200, 403), (watcher.current, response.status)
            asked = f"{live_server.url}{path}".split("?")[0]
            assert page.url.split("?")[0] == asked, (watcher.current, page.url)
            settle(page)
            assert "content-security-policy" in response.headers or response.status != 200, watcher.current
            shown += response.status == 200
    finally:
        context.close()
    return watcher.problems, shown


@pytest.fixture
def visitors(transactional_db):
    return {visitor.label: visitor for visitor in demo_visitors()}


def test_each_roles_main_pages_run_under_the_policy(browser, live_server, visitors):
    problems, shown = [], 0
    for label, visitor in visitors.items():
        if label == "superuser":
            continue
        found, count = walk(browser, live_server, visitor)
        problems += found
        shown += count
    assert shown >= 35, shown
    assert not problems, "\n".join(problems)


def test_every_admin_form_and_list_runs_under_the_policy(browser, live_server, visitors):
    """Every registered model's list, add and change pages, where the admin's scripts draw widgets. History
    and delete pages are plain templates: tests/test_inline_code.py checks those without a browser."""
    superuser = visitors["superuser"]
    problems, shown = walk(
        browser, live_server, Visitor("superuser", superuser.user, every_admin_page(("change",)))
    )
    assert shown > 40, shown
    assert not problems, "\n".join(problems)


def test_the_admins_widgets_work_under_the_policy(browser, live_server, visitors):
    """What the admin's scripts build when used: the autocomplete drop-down (select2, loaded by fetch), the
    two-box project picker, the calendar pop-up of a date field, and the export page's select-all box."""
    context = signed_in_context(browser, live_server, visitors["superuser"].user)
    watcher = Watcher(context)
    page = watcher.watch(context.new_page())
    try:
        watcher.current = "application add form"
        page.goto("/admin/registry/application/add/", wait_until="networkidle")
        page.locator(".field-person .select2-selection").first.click()
        page.locator(".select2-search__field").fill("王")
        page.locator(".select2-results__option").first.wait_for()
        page.keyboard.press("Escape")
        assert page.locator("#id_projects_from, #id_projects_to").count() == 2  # SelectFilter2 drew itself

        watcher.current = "calendar day add form"
        page.goto("/admin/workdays/calendarday/add/", wait_until="networkidle")
        page.locator(".datetimeshortcuts a").last.click()
        page.locator(".calendarbox").first.wait_for(state="visible")

        watcher.current = "export page"
        page.goto("/admin/exams/assessmentresult/export/", wait_until="networkidle")
        fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
        assert fields.count() > 1
        page.locator("input.select-toggle").uncheck()
        assert all(not box.is_checked() for box in fields.all())
        page.locator("input.select-toggle").check()
        assert all(box.is_checked() for box in fields.all())
    finally:
        context.close()
    assert not watcher.problems, "\n".join(watcher.problems)


def test_the_language_menu_switches_without_an_inline_script(browser, live_server):
    context = signed_in_context(browser, live_server, None)
    watcher = Watcher(context)
    page = watcher.watch(context.new_page())
    try:
        watcher.current = "login page"
        page.goto("/accounts/login/", wait_until="networkidle")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        with page.expect_navigation():
            page.get_by_label("语言").select_option("en")
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="Log in").is_visible()
    finally:
        context.close()
    assert not watcher.problems, "\n".join(watcher.problems)


def test_the_watcher_reports_what_the_policy_blocks(browser, live_server):
    """The net can catch: inline style and script put into a real page are blocked, and reported."""
    context = signed_in_context(browser, live_server, None)
    watcher = Watcher(context)
    page = watcher.watch(context.new_page())
    try:
        watcher.current = "planted"
        page.goto("/verify/", wait_until="networkidle")
        page.evaluate(
            """() => {
              document.body.insertAdjacentHTML("beforeend", '<p id="planted" style="color: red">x</p>');
              const script = document.createElement("script");
              script.textContent = "window.plantedRan = true";
              document.body.append(script);
            }"""
        )
        page.wait_for_function("() => window.__cspViolations.length >= 2")  # dispatched asynchronously
        assert page.evaluate("window.plantedRan") is None  # the inline script never ran
    finally:
        context.close()
    assert any(re.search(r"CSP: style-src-attr", p) for p in watcher.problems), watcher.problems
    assert any(re.search(r"CSP: script-src-elem", p) for p in watcher.problems), watcher.problems
