"""An employer signs up through the real pages, waits for verification, and adds a colleague."""

import re

import pytest

from accounts.models import User
from accounts.roles import Role
from people.models import Employer
from people.services import employer_verify
from tests.e2e.conftest import login
from tests.factories import EmployerFactory, UserFactory, valid_uscc

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Songhua-River-2026"


def test_an_employer_signs_up_sees_it_pending_and_after_verification_active(page):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="企业注册", exact=True).click()
    page.get_by_label("统一社会信用代码").fill(valid_uscc(777).lower())
    page.get_by_label("企业名称").fill("黑河边境仪表有限公司")
    page.get_by_label("所在地市").select_option(label="黑河市")
    page.get_by_label("地址").fill("黑河市爱辉区中央街1号")
    page.get_by_label("联系人").fill("刘洋")
    page.get_by_label("联系电话").fill("13804560000")
    page.get_by_label("联系邮箱").fill("liuyang@example.cn")
    page.get_by_label("用户名").fill("heihe_liu")
    page.get_by_label(re.compile(r"^密码")).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="注册企业").click()

    # The declaration was not ticked: the page says so next to it and keeps what was typed.
    assert page.get_by_text("请勾选声明").is_visible()
    assert page.get_by_label("企业名称").input_value() == "黑河边境仪表有限公司"
    assert not Employer.objects.exists()
    page.get_by_label(re.compile(r"^密码")).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_label("我们声明").check()
    page.get_by_role("button", name="注册企业").click()

    page.wait_for_url(re.compile(r"/portal/$"))
    assert page.get_by_test_id("employer-status").inner_text() == "待核实"
    assert page.get_by_test_id("pending-notice").is_visible()
    assert page.get_by_text("黑河边境仪表有限公司").first.is_visible()

    # The association verifies the employer, as it would in the admin.
    employer = Employer.objects.get(uscc=valid_uscc(777))
    employer_verify(employer=employer, by=UserFactory(username="assoc", role=Role.ASSOCIATION))

    page.get_by_role("button", name="退出登录").click()
    login(page, "heihe_liu", PASSWORD)
    assert page.get_by_test_id("employer-status").inner_text() == "正常"
    assert page.get_by_test_id("active-notice").is_visible()


def test_a_second_sign_up_of_the_same_code_is_told_whom_to_ask(page):
    EmployerFactory(uscc=valid_uscc(778), name="已注册公司")
    page.goto("/portal/sign-up/")
    page.get_by_label("统一社会信用代码").fill(valid_uscc(778))
    page.get_by_role("button", name="注册企业").click()
    assert page.get_by_text("该统一社会信用代码已注册").is_visible()


def test_a_clerk_adds_a_colleague_who_can_then_log_in(page):
    employer = EmployerFactory(name="绥化农机计量有限公司")
    UserFactory(username="suihua_clerk", role=Role.ENTERPRISE, employer=employer)
    login(page, "suihua_clerk")
    page.get_by_role("navigation").get_by_role("link", name="同事账号").click()
    page.get_by_role("link", name="添加同事账号").click()
    page.get_by_label("用户名").fill("suihua_zhao")
    page.get_by_label("姓名").fill("赵明")
    page.get_by_label("手机号码").fill("13904550000")
    page.get_by_label("初始密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="开通账号").click()

    page.wait_for_url(re.compile(r"/portal/colleagues/$"))
    assert page.get_by_test_id("colleagues").get_by_text("suihua_zhao").is_visible()
    assert User.objects.get(username="suihua_zhao").employer == employer

    page.get_by_role("button", name="退出登录").click()
    login(page, "suihua_zhao", PASSWORD)
    assert page.get_by_text("绥化农机计量有限公司").first.is_visible()
