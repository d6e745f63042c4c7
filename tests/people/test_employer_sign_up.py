"""Employer sign-up: one service creates the pending employer and its first user, or nothing."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from people.models import Employer
from people.services import employer_sign_up
from tests.factories import EmployerFactory, valid_uscc

pytestmark = pytest.mark.django_db

PASSWORD = "Heilongjiang-2026"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()  # the rate limit counts in the cache, which outlives a test
    yield
    cache.clear()


def form_data(**overrides) -> dict:
    data = {
        "uscc": valid_uscc(424242).lower(),
        "name": "哈尔滨新锐计量仪器有限公司",
        "prefecture": "harbin",
        "address": "哈尔滨市香坊区红旗大街88号",
        "contact_name": "李娜",
        "contact_phone": "0451-82000000",
        "contact_email": "lina@example.cn",
        "username": "xinrui_li",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "declaration": "on",
    }
    data.update(overrides)
    return data


def service_kwargs(**overrides) -> dict:
    data = form_data(**overrides)
    for key in ("password1", "password2", "declaration"):
        data.pop(key)
    return {**data, "password": PASSWORD}


def test_sign_up_creates_a_pending_employer_and_its_first_enterprise_user():
    user = employer_sign_up(**service_kwargs())
    employer = user.employer
    assert employer.status == Employer.Status.PENDING
    assert employer.uscc == valid_uscc(424242)  # upper-cased
    assert not employer.is_authorised_verification_institution
    assert not employer.can_submit
    assert user.has_role(Role.ENTERPRISE)
    assert not user.is_staff
    assert user.check_password(PASSWORD)
    assert (user.first_name, user.phone, user.email) == ("李娜", "0451-82000000", "lina@example.cn")


def test_the_signed_up_account_is_audited_as_created_by_itself():
    from audit.models import Action, AuditEvent

    user = employer_sign_up(**service_kwargs())

    event = AuditEvent.objects.get(action=Action.USER_CREATED)
    assert (event.actor_id, event.target_id) == (user.pk, str(user.pk))
    assert event.detail == {"roles": ["enterprise"], "is_superuser": False, "employer": user.employer_id}


def test_a_code_already_registered_creates_nothing_and_says_whom_to_ask():
    EmployerFactory(uscc=valid_uscc(424242))
    with pytest.raises(ValidationError) as raised:
        employer_sign_up(**service_kwargs(username="second"))
    assert "uscc" in raised.value.error_dict
    assert Employer.objects.count() == 1
    assert not User.objects.filter(username="second").exists()


def test_a_weak_password_leaves_no_employer_behind():
    with pytest.raises(ValidationError):
        employer_sign_up(**{**service_kwargs(), "password": "12345678"})
    assert not Employer.objects.exists()


def test_a_taken_username_leaves_no_employer_behind():
    User.objects.create_user("xinrui_li", password=PASSWORD)
    with pytest.raises(ValidationError):
        employer_sign_up(**service_kwargs())
    assert not Employer.objects.filter(uscc=valid_uscc(424242)).exists()


def test_the_login_page_links_to_the_sign_up_page(client):
    response = client.get(reverse("login"))
    assert reverse("portal:sign_up") in response.content.decode()


def test_the_page_signs_up_logs_in_and_shows_the_pending_state(client):
    response = client.post(reverse("portal:sign_up"), form_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    page = response.content.decode()
    assert 'data-testid="pending-notice"' in page
    assert "哈尔滨新锐计量仪器有限公司" in page
    assert response.context["user"].username == "xinrui_li"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"uscc": valid_uscc(1)[:17] + ("0" if valid_uscc(1)[17] != "0" else "1")}, "uscc", "校验码"),
        ({"declaration": ""}, "declaration", "计量检定机构"),
        ({"password2": "Different-2026"}, "password2", "两次"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "密码"),
        ({"contact_phone": "call me"}, "contact_phone", "0451"),
        ({"prefecture": "shanghai"}, "prefecture", ""),
    ],
)
def test_bad_input_is_shown_next_to_its_field_in_chinese_and_saves_nothing(client, overrides, field, message):
    response = client.post(reverse("portal:sign_up"), form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Employer.objects.exists()
    assert not User.objects.filter(username="xinrui_li").exists()


def test_the_page_refuses_a_code_already_registered_with_the_message(client):
    EmployerFactory(uscc=valid_uscc(424242))
    response = client.post(reverse("portal:sign_up"), form_data())
    assert "已注册" in " ".join(response.context["form"].errors["uscc"])
    assert not User.objects.filter(username="xinrui_li").exists()


def test_the_page_stops_after_too_many_sign_ups_from_one_address(client, settings):
    settings.REGISTRY_SIGN_UP_RATE = "2/2h"
    for n in range(2):
        client.post(reverse("portal:sign_up"), form_data(uscc=valid_uscc(500 + n), username=f"u{n}"))
        client.logout()
    response = client.post(reverse("portal:sign_up"), form_data(uscc=valid_uscc(600), username="u3"))
    assert response.status_code == 429
    assert "最多等待 120 分钟" in response.content.decode()  # the wait, from the configured rate
    assert not Employer.objects.filter(uscc=valid_uscc(600)).exists()
    assert Employer.objects.count() == 2


def test_a_signed_in_user_is_sent_home_instead_of_signing_up_again(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("portal:sign_up"))
    assert response.status_code == 302
