"""Staff set up and use their second factor through the real pages; a lockout is explained in Chinese."""

import re

import pytest

from accounts.roles import Role
from tests.e2e.conftest import enrol_second_factor, give_second_factor, login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 768, 1366)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _sign_in_with_password(page, username: str, path: str = "/accounts/login/") -> None:
    page.goto(path)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("correct-horse-battery")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state("networkidle")


def test_first_sign_in_enrols_with_a_qr_code_and_recovery_codes_and_the_next_asks_for_a_code(page):
    UserFactory(username="e2e-assoc", role=Role.ASSOCIATION)
    _sign_in_with_password(page, "e2e-assoc")

    assert "/accounts/two-factor/setup/" in page.url
    assert page.get_by_role("heading", name="设置双因素认证").is_visible()
    assert page.get_by_test_id("otp-qr").locator("svg").is_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _fits(page), width

    codes = enrol_second_factor(page)
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code) for code in codes)
    assert re.search(r"/admin/$", page.url), page.url

    page.context.clear_cookies()  # the browser closed: a staff session ends with it
    _sign_in_with_password(page, "e2e-assoc")
    assert "/accounts/two-factor/verify/" in page.url
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _fits(page), width
    page.get_by_label("验证码").fill(codes[0])
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"/admin/$", page.url), page.url
    assert page.get_by_text("剩余 9 个").is_visible()


def test_the_admin_login_page_leads_to_the_same_second_step(page):
    UserFactory(username="e2e-centre", role=Role.TRAINING_CENTRE)
    _sign_in_with_password(page, "e2e-centre", path="/admin/login/")
    assert "/accounts/two-factor/setup/" in page.url
    enrol_second_factor(page)
    page.context.clear_cookies()
    _sign_in_with_password(page, "e2e-centre", path="/admin/login/")
    assert "/accounts/two-factor/verify/" in page.url
    give_second_factor(page, "e2e-centre")
    assert re.search(r"/admin/$", page.url), page.url


def test_five_wrong_passwords_show_the_chinese_lockout_page(page):
    UserFactory(username="e2e-clerk", role=Role.ENTERPRISE)
    for _ in range(5):
        login(page, "e2e-clerk", password="wrong-password")
    assert page.get_by_role("heading", name="登录已暂时锁定").is_visible()
    assert "15 分钟后再试" in page.get_by_test_id("locked-out").inner_text()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert _fits(page), width
    page.get_by_role("link", name="返回登录页面").click()
    assert "/accounts/login/" in page.url
