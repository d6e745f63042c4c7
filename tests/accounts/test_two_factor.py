"""Two-factor authentication: who needs it, enrolment, the code page, recovery codes, throttling, reset."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from audit.models import Action, AuditEvent
from tests.factories import EmployerFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.real_otp]

PASSWORD = "correct-horse-battery"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SETUP = reverse("two_factor:setup")
VERIFY = reverse("two_factor:verify")
TWO_FACTOR_ROLES = [Role.ASSOCIATION, Role.TRAINING_CENTRE, Role.AUDITOR, Role.BUREAU, Role.INSPECTOR]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the user's phone shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, username: str, page: str = "login"):
    return client.post(reverse(page), {"username": username, "password": PASSWORD})


def enrol(client) -> list[str]:
    """Walk the enrolment page; return the recovery codes shown."""
    client.get(SETUP)
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(SETUP, {"code": code_for(device), "next": "/"})
    assert response.status_code == 200
    return re.findall(r"<code>([a-z0-9-]{14})</code>", response.content.decode())


def _audit(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.mark.parametrize("role", TWO_FACTOR_ROLES)
def test_after_the_password_staff_reach_no_page_before_a_second_factor(client, role):
    """The pen test's finding: staff had no second factor. Now every page sends them to enrolment."""
    UserFactory(username="staff", role=role)
    assert sign_in(client, "staff").status_code == 302
    for path in ("/", "/admin/", "/reports/", "/supervision/", "/portal/", reverse("password_change")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{SETUP}?{urlencode({'next': path})}", path


def test_superusers_need_it_and_enterprise_clerks_do_not(client):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    sign_in(client, "root")
    assert client.get("/admin/")["Location"].startswith(SETUP)
    client.post(reverse("logout"))
    UserFactory(username="clerk", role=Role.ENTERPRISE, employer=EmployerFactory())
    sign_in(client, "clerk")
    assert client.get("/portal/").status_code == 200


def test_the_admin_login_page_is_no_way_around_it(client):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    response = sign_in(client, "staff", page="admin:login")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"].startswith(SETUP)
    assert client.get(reverse("admin:registry_application_changelist"))["Location"].startswith(SETUP)
    assert client.get(reverse("admin:login"))["Location"] == reverse("admin:index")  # and on to SETUP


def test_login_logout_language_and_public_pages_stay_open_before_the_second_factor(client):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    assert client.get(reverse("login")).status_code == 200
    assert client.get(SETUP).status_code == 200
    assert client.get("/verify/").status_code == 200
    assert client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolment_shows_a_qr_code_and_the_key_and_keeps_them_on_reload(client):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    first = client.get(SETUP).content.decode()
    second = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get()
    assert not device.confirmed
    assert "<svg" in first
    assert 'class="segno"' in first
    assert "style=" not in re.search(r"<svg.*?</svg>", first, re.S).group(0)
    key = re.search(r'data-testid="otp-key">([A-Z2-7 ]+)<', first).group(1)
    assert len(key.replace(" ", "")) == 32  # 160-bit key in base32
    assert key in second  # the same device on reload


def test_a_wrong_code_at_enrolment_confirms_nothing_and_is_audited(client):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert not StaticDevice.objects.exists()
    assert [e.detail for e in _audit(Action.OTP_FAILED)] == [{"step": "enrol"}]
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_enrolment_confirms_the_app_shows_ten_recovery_codes_once_and_lets_the_user_in(client):
    user = UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    codes = enrol(client)
    assert len(codes) == len(set(codes)) == 10
    assert TOTPDevice.objects.get().confirmed
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get("/admin/").status_code == 200
    (event,) = _audit(Action.OTP_ENROLLED)
    assert (event.actor, event.target_id, event.detail) == (user, str(user.pk), {"recovery_codes": 10})
    assert not any(code.replace("-", "") in str(event.detail) for code in codes)
    # Enrolled: the enrolment page is gone for good (a new authenticator needs a superuser's reset).
    assert client.get(SETUP)["Location"] == "/"


def test_the_next_sign_in_asks_for_a_code_and_accepts_the_apps_code(client, clock):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    enrol(client)
    client.post(reverse("logout"))
    clock.shift(dt.timedelta(minutes=5))
    sign_in(client, "staff")
    assert client.get("/admin/")["Location"] == f"{VERIFY}?{urlencode({'next': '/admin/'})}"
    device = TOTPDevice.objects.get()
    key_before = client.session.session_key
    response = client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.session.session_key != key_before  # a new session key once the second factor is given


def test_a_code_is_not_accepted_twice(client, clock):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    enrol(client)
    code = code_for(TOTPDevice.objects.get())  # the code just used to enrol, still on the phone's screen
    client.post(reverse("logout"))
    sign_in(client, "staff")
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()


def test_a_recovery_code_works_once(client, clock):
    user = UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    codes = enrol(client)
    client.post(reverse("logout"))
    sign_in(client, "staff")
    response = client.post(VERIFY, {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "剩余 9 个" in response.content.decode()
    (event,) = _audit(Action.OTP_RECOVERY_USED)
    assert (event.actor, event.detail) == (user, {"left": 9})
    client.post(reverse("logout"))
    clock.shift(dt.timedelta(minutes=1))
    sign_in(client, "staff")
    response = client.post(VERIFY, {"code": codes[3]})
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    assert _audit(Action.OTP_FAILED)[-1].detail == {"kind": "recovery"}


def test_wrong_codes_are_throttled_audited_and_the_wait_is_said(client, clock):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    enrol(client)
    client.post(reverse("logout"))
    clock.shift(dt.timedelta(minutes=1))
    sign_in(client, "staff")
    device = TOTPDevice.objects.get()
    for _ in range(3):
        client.post(VERIFY, {"code": "123456"})
        clock.shift(dt.timedelta(seconds=10))
    # Three wrong codes in a row: the next try must wait 4 s after the last one.
    clock.shift(dt.timedelta(seconds=-8))
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 200
    assert "错误次数过多" in response.content.decode()
    assert [e.detail for e in _audit(Action.OTP_FAILED)] == [{"kind": "totp"}] * 3 + [
        {"kind": "totp", "throttled": True}
    ]
    clock.shift(dt.timedelta(seconds=3))
    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == "/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_the_code_page_never_sends_the_user_to_another_site(client, next_url):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    enrol(client)
    client.post(reverse("logout"))
    sign_in(client, "staff")
    device = TOTPDevice.objects.get()
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": next_url})
    assert response["Location"] == "/"


@pytest.mark.parametrize("code", ["", "1" * 40, "<script>", "１２３４５６", "12345\x00"])
def test_junk_codes_get_a_chinese_message_and_change_nothing(client, code):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    sign_in(client, "staff")
    client.get(SETUP)
    response = client.post(SETUP, {"code": code})
    assert response.status_code == 200
    assert re.search(r'class="error field-error"[^>]*>[^<]*[\u4e00-\u9fff]', response.content.decode())
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_a_superuser_resets_a_users_second_factor_audited_and_the_user_enrols_again(client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    staff = UserFactory(username="staff", role=Role.ASSOCIATION)
    staff_client = Client()
    sign_in(staff_client, "staff")
    enrol(staff_client)
    assert staff_client.get("/admin/").status_code == 200
    # The superuser's own second factor first, then the reset page, linked from the user's admin page.
    sign_in(client, "root")
    enrol(client)
    change_page = client.get(reverse("admin:accounts_user_change", args=[staff.pk])).content.decode()
    reset_url = reverse("two_factor:reset", args=[staff.pk])
    assert reset_url in change_page
    assert "重置双因素认证" in client.get(reset_url).content.decode()
    response = client.post(reset_url)
    assert response["Location"] == reverse("admin:accounts_user_change", args=[staff.pk])
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    (event,) = _audit(Action.OTP_RESET)
    assert (event.actor, event.target_id, event.detail) == (root, str(staff.pk), {"devices": 2})
    # The staff member's session, verified with the removed app, is verified no longer: back to enrolment.
    assert staff_client.get("/admin/")["Location"].startswith(SETUP)


@pytest.mark.parametrize("role", [Role.ASSOCIATION, Role.AUDITOR])
def test_only_a_superuser_may_reset_and_never_before_their_own_second_factor(client, role):
    target = UserFactory(username="target", role=Role.TRAINING_CENTRE)
    UserFactory(username="staff", role=role)
    sign_in(client, "staff")
    enrol(client)
    reset_url = reverse("two_factor:reset", args=[target.pk])
    assert client.post(reset_url).status_code == 403
    client.post(reverse("logout"))
    UserFactory(username="root", is_superuser=True, is_staff=True)
    sign_in(client, "root")  # password only
    assert client.post(reset_url)["Location"].startswith(SETUP)
    assert not _audit(Action.OTP_RESET)


def test_the_command_line_reset_is_recorded_as_the_systems_act(capsys):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    call_command("otp_reset", "root")
    assert not TOTPDevice.objects.exists()
    (event,) = _audit(Action.OTP_RESET)
    assert (event.is_system, event.actor, event.target_id) == (True, None, str(user.pk))
    assert "root" in capsys.readouterr().out


def test_django_otps_device_admin_which_shows_keys_and_codes_is_not_offered():
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
