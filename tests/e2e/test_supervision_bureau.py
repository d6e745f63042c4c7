"""The bureau creates a spot-check plan through the real pages, draws it after the confirmation page, and
reads the checks drawn with their inspectors; the plan page and the public page fit a phone (390 px), a
tablet and a desktop. An inspector's site work is another test's walk.

Elements are found by names and test ids, not by Chinese labels, so the walk holds before and after the
catalogue is filled."""

import re

import pytest

from accounts.roles import Role
from supervision.models import Check, Plan, PlanState
from tests.e2e.conftest import login
from tests.factories import PersonFactory, RegistrationCertificateFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 768, 1366)


def _fits(page, path):
    """At each width the page itself never scrolls sideways (wide tables scroll inside their wrapper)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px too wide at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_bureau_creates_a_plan_draws_it_and_reads_the_checks(page, live_server):
    employers = [
        RegistrationCertificateFactory(
            application__employer__name=f"牡丹江精密仪器有限责任公司第{n}分公司",
            application__person=PersonFactory(name=f"刘持证{n}"),
        ).employer
        for n in range(4)
    ]
    pool = [
        UserFactory(username=f"e2e-insp{n}", first_name=f"检{n}", last_name="赵", role=Role.INSPECTOR)
        for n in range(3)
    ]
    UserFactory(username="e2e-bureau", role=Role.BUREAU)

    login(page, "e2e-bureau")
    page.goto("/supervision/")
    page.get_by_test_id("plan-new").click()
    form = page.get_by_test_id("plan-form")
    form.locator("[name=title]").fill("2026年度企业注册计量师注册证使用情况抽查")
    form.locator("[name=kind]").select_option("employers")
    form.locator("[name=period_start]").fill("2026-01-01")
    form.locator("[name=period_end]").fill("2026-12-31")
    form.locator("[name=sample_size]").fill("3")
    form.locator("[name=sample_percent]").fill("10")  # both: refused, nothing saved
    for user in pool:
        form.locator(f"[name=inspectors][value='{user.pk}']").check()
    form.locator("[name=description]").fill("依据试点方案开展双随机抽查。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".form-errors").is_visible()
    assert not Plan.objects.exists()

    form = page.get_by_test_id("plan-form")
    form.locator("[name=sample_percent]").fill("")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/supervision/plans/\d+/$"))
    plan = Plan.objects.get()
    assert plan.state == PlanState.DRAFT

    page.get_by_test_id("plan-draw").click()
    page.wait_for_url(re.compile(r"/supervision/plans/\d+/draw/$"))
    assert not Check.objects.exists()  # the confirmation page only asks
    page.get_by_test_id("draw-confirm").click()
    page.wait_for_url(re.compile(r"/supervision/plans/\d+/$"))

    plan.refresh_from_db()
    assert plan.state == PlanState.DRAWN
    assert page.get_by_test_id("seed").inner_text().strip() == plan.seed
    rows = page.get_by_test_id("checks").locator("tbody tr")
    assert rows.count() == 3
    drawn = {c.employer.name for c in plan.checks.select_related("employer")}
    assert {rows.nth(n).locator("td").nth(1).inner_text().strip() for n in range(3)} == drawn
    assert drawn <= {e.name for e in employers}
    first_inspectors = rows.nth(0).locator("td").nth(2).inner_text()
    assert len([u for u in pool if u.get_full_name() in first_inspectors]) == 2
    assert "刘持证" not in page.content()

    _fits(page, f"/supervision/plans/{plan.pk}/")
    page.context.clear_cookies()
    _fits(page, f"/supervision/public/{plan.pk}/")  # signed out: the public page
    assert plan.seed in page.content()
    assert "刘持证" not in page.content()
