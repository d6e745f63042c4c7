"""The error pages a user can meet: branded, Chinese, with a way back, and no debug text
(docs/decisions/0101-error-pages.md). DEBUG is off unless a test says otherwise."""

import pytest
from django.http import Http404
from django.test import Client, override_settings
from django.urls import path, reverse

import config.urls
from accounts.roles import Role
from tests.factories import ApplicationFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db

ENGLISH_LEAKS = ("Not Found", "DEBUG", "Server Error", "Forbidden", "CSRF", "Traceback", "urlpatterns")


def _boom(request):
    raise RuntimeError("a bug")


def _missing(request):
    raise Http404("Application matching query does not exist.")


urlpatterns = [path("boom/", _boom), path("missing/", _missing), *config.urls.urlpatterns]


def _assert_branded(response, status: int, chinese: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert chinese in html, html[:2000]
    assert "计量" in html  # the registry's name in the header
    assert 'href="/"' in html  # a way back: home, and "back" falls back to home without JavaScript
    assert "data-history-back" in html
    assert 'rel="icon"' in html  # else the browser asks /favicon.ico and gets a second 404
    for leak in ENGLISH_LEAKS:
        assert leak not in html, leak
    return html


@override_settings(DEBUG=False)
def test_unknown_address_answers_the_chinese_404(client):
    _assert_branded(client.get("/no-such-page/"), 404, "页面不存在")


@override_settings(DEBUG=False)
def test_another_employers_application_answers_the_chinese_404(client):
    other = ApplicationFactory(employer=EmployerFactory(name="别人的公司"))
    client.force_login(UserFactory(role=Role.ENTERPRISE, employer=EmployerFactory(name="好奇公司")))
    response = client.get(reverse("portal:application_detail", kwargs={"pk": other.pk}))
    html = _assert_branded(response, 404, "页面不存在")
    assert "别人的公司" not in html
    assert other.number not in html


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_bug_answers_the_chinese_500_without_the_exception():
    client = Client(raise_request_exception=False)
    html = _assert_branded(client.get("/boom/"), 500, "系统出错")
    assert "a bug" not in html
    assert "RuntimeError" not in html


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_the_500_page_renders_without_a_database(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/boom/")
    assert response.status_code == 500


@override_settings(DEBUG=False)
def test_a_refusal_answers_the_chinese_403(client):
    client.force_login(UserFactory(role=Role.ENTERPRISE, employer=EmployerFactory()))
    # The bureau's assistance-visit list: role_required refuses a clerk (the reports answer 404 instead).
    response = client.get("/supervision/visits/")
    html = _assert_branded(response, 403, "无权")
    assert 'href="/accounts/login/"' in html


@override_settings(DEBUG=False)
def test_an_expired_form_answers_the_chinese_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "someone", "password": "wrong"})
    html = _assert_branded(response, 403, "表单已过期")
    assert "更多可用信息" not in html


# --- DEBUG on (`make run`): Django's technical 404 lists every URL pattern -------------------------------


@override_settings(DEBUG=True)
@pytest.mark.parametrize("who", ["anonymous", "clerk", "association"])
def test_with_debug_on_only_a_superuser_sees_the_url_list(client, who):
    if who == "clerk":
        client.force_login(UserFactory(role=Role.ENTERPRISE, employer=EmployerFactory()))
    elif who == "association":
        client.force_login(UserFactory(role=Role.ASSOCIATION))
    html = _assert_branded(client.get("/portal/no-such-page/"), 404, "页面不存在")
    assert "portal/" not in html.replace('href="/portal/', "")


@override_settings(DEBUG=True, ROOT_URLCONF=__name__)
def test_with_debug_on_a_views_404_is_branded_for_a_clerk(client):
    client.force_login(UserFactory(role=Role.ENTERPRISE, employer=EmployerFactory()))
    html = _assert_branded(client.get("/missing/"), 404, "页面不存在")
    assert "matching query" not in html


@override_settings(DEBUG=True)
def test_with_debug_on_a_superuser_still_gets_the_technical_page(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "urlpatterns" in response.content.decode() or "URLconf" in response.content.decode()
