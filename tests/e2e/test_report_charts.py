"""The report's charts in Chromium (issue 17): the bureau's dashboard and the report on a period draw
every chart with the vendored ECharts under the strict Content-Security-Policy (no violation, no script
error, a tooltip included), and the pages fit a phone, a tablet and a desktop: charts follow the width,
wide tables scroll inside their wrappers, never the page."""

import datetime as dt

import pytest

from accounts.roles import Role
from registry.workflow import ApplicationState
from tests.e2e.conftest import login
from tests.factories import ApplicationFactory, RegistrationCertificateFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 768, 1366)

WATCH = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__problems.push(`CSP ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
window.addEventListener("error", (e) => window.__problems.push(`error ${e.message}`));
"""


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _charts_drawn(page) -> None:
    total = page.locator("[data-chart]").count()
    assert total > 0
    page.wait_for_function(
        "n => document.querySelectorAll('[data-chart][data-drawn=true] canvas').length >= n", arg=total
    )
    widths = page.evaluate(
        "[...document.querySelectorAll('[data-chart]')]"
        ".map(e => [e.clientWidth, e.parentElement.clientWidth])"
    )
    for own, parent in widths:
        assert 0 < own <= parent


def _console(problems: list[str], message) -> None:
    url = (message.location or {}).get("url", "")
    if message.type == "error" and not url.endswith("/favicon.ico"):  # no favicon: nothing asks for one
        problems.append(f"console: {message.text} at {url}")


def test_the_charts_draw_under_the_policy_at_every_width(page):
    today = dt.date.today()
    for day in (today.replace(day=1), today.replace(month=1, day=5)):
        ApplicationFactory(state=ApplicationState.SUBMITTED, received_on=day)
    RegistrationCertificateFactory()
    UserFactory(username="charts-bureau", role=Role.BUREAU)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: _console(problems, message))
    page.context.add_init_script(WATCH)
    login(page, "charts-bureau")
    period = f"/reports/period/?start={today.year}-01-01&end={today.year}-12-31"
    for url in ("/reports/", period):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            _charts_drawn(page)
            assert _fits(page), (url, width)
        # Narrow the window after drawing: the charts follow.
        page.set_viewport_size({"width": 390, "height": 900})
        page.wait_for_timeout(400)
        _charts_drawn(page)
        assert _fits(page), url
        first = page.locator("[data-chart]").first
        first.scroll_into_view_if_needed()
        first.hover()  # a tooltip: drawn on the canvas, no HTML with style="" for the policy to refuse
        page.wait_for_timeout(200)
        problems += page.evaluate("window.__problems")
    assert problems == []
