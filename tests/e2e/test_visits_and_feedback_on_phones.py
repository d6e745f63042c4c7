"""Assistance visits and feedback fit a phone, a tablet and a desktop: a clerk requests a visit and reads
it, a member of the public sends feedback (honeypot unseen, the sum answered) and gets a tracking code,
the bureau reads both lists. Lists scroll inside their cards, never the page."""

import re

import pytest

from accounts.roles import Role
from supervision import services
from tests.e2e.conftest import login
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 768, 1366)


def _page_fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_clerk_requests_a_visit_on_a_phone(page):
    employer = EmployerFactory(name="哈尔滨北方精密仪表有限公司")
    UserFactory(username="sv-clerk", role=Role.ENTERPRISE, employer=employer)
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, "sv-clerk")
    page.goto("/portal/supervision/visits/")
    page.get_by_test_id("visit-request").click()
    page.get_by_label("计量管理制度").check()
    page.get_by_label("需要哪些方面的帮助？").fill("新建压力计量标准，请专家指导。")
    assert _page_fits(page)
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_test_id("visit-state").inner_text() == "已申请"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/portal/supervision/visits/", "/portal/supervision/feedback/new/"):
            page.goto(path)
            assert _page_fits(page), (path, width)


def test_the_public_sends_feedback_on_a_phone_and_the_bureau_reads_it(page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/feedback/")
    trap = page.locator("#id_website").bounding_box()
    assert trap["x"] + trap["width"] < 0  # the honeypot is off-screen for people
    page.get_by_label("类别").select_option("system")
    page.get_by_label("您的意见或建议").fill("希望核验页面支持英文。")
    page.get_by_label("电话或电子邮箱（选填）").fill("13904512233")
    question = page.locator("label[for=id_answer]").inner_text()
    a, b = (int(n) for n in re.search(r"(\d+) \+ (\d+)", question).groups())
    page.locator("#id_answer").fill(str(a + b))
    assert _page_fits(page)
    page.wait_for_timeout(3200)  # a person takes longer than the form's three seconds
    page.get_by_role("button", name="提交").click()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert len(code) == 16
    page.get_by_test_id("status-link").click()
    assert page.get_by_test_id("no-answer").is_visible()
    assert _page_fits(page)

    clerk = UserFactory(username="sv-clerk2", role=Role.ENTERPRISE, employer=EmployerFactory())
    staff = UserFactory(username="sv-assoc", role=Role.ASSOCIATION)
    visit = services.visit_request(employer=clerk.employer, by=clerk, topics=["rules"], note="请指导" * 30)
    services.visit_decline(visit=visit, by=staff, reason="本月专家已排满，请下月再申请。" * 3)
    UserFactory(username="sv-bureau", role=Role.BUREAU)
    page.context.clear_cookies()
    login(page, "sv-bureau")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/supervision/feedback/")
        assert "139****2233" in page.get_by_test_id("feedback").inner_text()
        assert _page_fits(page), width
        page.goto("/supervision/visits/")
        assert page.get_by_test_id(f"visit-{visit.pk}").is_visible()
        assert _page_fits(page), width
