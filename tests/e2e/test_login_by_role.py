"""Each role logs in through the real login page and lands where it works."""

import re

import pytest

from accounts.roles import Role
from tests.e2e.conftest import login
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("role", "path", "heading"),
    [
        (Role.ASSOCIATION, r"/admin/$", "注册工作台"),
        (Role.TRAINING_CENTRE, r"/admin/$", "注册工作台"),
        (Role.ENTERPRISE, r"/portal/$", "企业服务平台"),
        (Role.BUREAU, r"/reports/$", "统计报告"),
        (Role.INSPECTOR, r"/supervision/$", "监督管理"),
    ],
)
def test_each_role_logs_in_and_lands_on_its_home_page(page, role, path, heading):
    extra = {"employer": EmployerFactory(name="哈尔滨精工仪表有限公司")} if role == Role.ENTERPRISE else {}
    UserFactory(username=f"e2e-{role}", role=role, **extra)

    login(page, f"e2e-{role}")

    assert re.search(path, page.url), page.url
    assert page.get_by_role("heading", name=heading).first.is_visible()
    if role == Role.ENTERPRISE:
        assert page.get_by_text("哈尔滨精工仪表有限公司").is_visible()


def test_a_wrong_password_shows_a_chinese_message_and_stays_on_the_login_page(page):
    UserFactory(username="e2e-clerk", role=Role.ENTERPRISE)
    login(page, "e2e-clerk", password="wrong")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").inner_text().startswith("用户名或密码不正确")


def test_logging_out_returns_to_the_login_page(page):
    UserFactory(username="e2e-bureau", role=Role.BUREAU)
    login(page, "e2e-bureau")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.goto("/reports/")
    assert "/accounts/login/" in page.url
