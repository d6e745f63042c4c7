"""Forgot your password: the registry's own pages and Chinese e-mail, the same answer whether or not the
address has an account, the password rules, the audit trail, and no way around the second factor."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from audit.models import Action, AuditEvent
from tests.factories import EmployerFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.real_otp]

NEW_PASSWORD = "Xin-Mima-2026-jiliang"
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")


def _ask(client, email: str):
    return client.post(reverse("password_reset"), {"email": email}, follow=True)


def _link_in_the_mail() -> str:
    assert len(mail.outbox) == 1
    match = LINK.search(mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_the_login_page_links_to_the_reset_page(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html
    assert "忘记密码" in html


def test_the_reset_pages_are_the_registrys_not_djangos_admin(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        html = client.get(reverse(name)).content.decode()
        assert "Django" not in html, name
        assert "企业注册计量师" in html, name  # the site's header
    html = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x-y"}), follow=True)
    assert "链接无效" in html.content.decode()


def test_the_flow_end_to_end_in_chinese_and_audited(client):
    clerk = UserFactory(
        username="clerk1", email="clerk1@example.com", role=Role.ENTERPRISE, employer=EmployerFactory()
    )
    response = _ask(client, "clerk1@example.com")
    assert "重设密码的链接" in response.content.decode()
    message = mail.outbox[0]
    assert "重设" in message.subject
    assert "Django" not in message.subject + message.body
    assert "clerk1" in message.body
    link = _link_in_the_mail()

    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0]
    weak = client.post(form_url, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200  # the password rules apply: refused, the form again
    clerk.refresh_from_db()
    assert not clerk.check_password("abc")

    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "新密码已设置" in done.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED, target_id=str(clerk.pk)).exists()
    assert "_auth_user_id" not in client.session  # setting the password does not sign in
    assert client.get(link, follow=True).content.decode().count("链接无效") == 1  # used once only


@pytest.mark.parametrize("email", ["nobody@example.com", "Robert'); DROP TABLE users;--@x.cn", "　"])
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, email):
    UserFactory(username="known", email="known@example.com")
    known = _ask(client, "known@example.com")
    mail.outbox.clear()
    unknown = _ask(client, email)
    assert mail.outbox == []
    if unknown.redirect_chain:  # a well-formed address: exactly the page the known one got
        assert unknown.redirect_chain == known.redirect_chain
        said = re.compile(r"<main.*</main>", re.S)  # the page less its per-request CSRF token
        strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
        assert strip.sub("", said.search(unknown.content.decode()).group()) == strip.sub(
            "", said.search(known.content.decode()).group()
        )
    else:
        assert unknown.status_code == 200  # malformed: the form with its error, nothing said of accounts


def test_a_reset_does_not_pass_the_second_factor(client):
    staff = UserFactory(username="staff1", email="staff1@example.com", role=Role.ASSOCIATION)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    _ask(client, "staff1@example.com")
    form_url = client.get(_link_in_the_mail(), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    signed_in = client.post(reverse("login"), {"username": "staff1", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    admin_page = client.get(reverse("admin:index"))
    assert admin_page.status_code == 302
    assert admin_page["Location"].startswith(reverse("two_factor:verify"))
