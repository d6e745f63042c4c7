"""The public verification page: by QR token or by number + exact name, masked, no enumeration, limited."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from registry.services.certificates import certificate_reinstate, certificate_revoke, certificate_suspend
from tests.factories import MetrologyProjectFactory, RegistrationCertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # rate-limit counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def certificate():
    return RegistrationCertificateFactory(
        application__person__name="王喆堃",
        application__employer__name="哈尔滨北方精密仪表有限公司",
        projects=[MetrologyProjectFactory(code="0101", name="量块检定")],
    )


def _page(response) -> str:
    return response.content.decode()


def test_the_qr_url_shows_the_state_and_the_masked_holder_without_login(client, certificate):
    response = client.get(f"/verify/{certificate.verification_token}/")
    assert response.status_code == 200
    html = _page(response)
    assert 'data-testid="certificate-state"' in html
    assert "有效" in html
    assert "王*堃" in html
    assert "王喆堃" not in html
    person = certificate.person
    assert person.id_number not in html
    assert person.masked_id_number in html
    assert "哈尔滨北方精密仪表有限公司" in html
    assert "0101 量块检定" in html
    assert certificate.number in html
    assert reverse("verify:token", args=[certificate.verification_token]) == (
        f"/verify/{certificate.verification_token}/"
    )


def test_a_revoked_certificate_says_so(client, certificate):
    certificate_revoke(certificate=certificate, by=UserFactory(), reason="涂改")
    html = _page(client.get(f"/verify/{certificate.verification_token}/"))
    assert "已撤销" in html
    assert "state-revoked" in html


def test_a_suspended_certificate_says_so_until_reinstated(
    client, certificate, django_capture_on_commit_callbacks
):
    staff = UserFactory()
    certificate_suspend(certificate=certificate, by=staff, reason="抽查发现挂靠，限期整改")
    html = _page(client.get(f"/verify/{certificate.verification_token}/"))
    assert "state-suspended" in html
    assert 'data-testid="suspended"' in html
    assert "挂靠" not in html  # the reason is the registry's, not the public's
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is forgotten on commit
        certificate_reinstate(certificate=certificate, by=staff, reason="已整改")
    html = _page(client.get(f"/verify/{certificate.verification_token}/"))
    assert "state-valid" in html


def test_number_and_exact_name_find_it(client, certificate):
    response = client.post(reverse("verify:form"), {"number": certificate.number.lower(), "name": " 王喆堃 "})
    assert response.status_code == 200
    assert 'data-testid="verify-result"' in _page(response)


def _answer(client, number: str, name: str) -> str:
    """The page, minus what differs by construction: the number typed back and the CSRF token."""
    response = client.post(reverse("verify:form"), {"number": number, "name": name})
    html = _page(response).replace(number, "NUMBER")
    return f"{response.status_code} " + re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_wrong_name_gets_the_same_answer_as_an_unknown_number(client, certificate):
    wrong_name = _answer(client, certificate.number, "王喆")
    assert 'data-testid="verify-not-found"' in wrong_name
    assert wrong_name == _answer(client, "HLJ-ZC2-2026-99999", "王喆")


@pytest.mark.parametrize(
    ("token", "queries"),
    [("x" * 24, 1), ("short", 0), ("' OR 1=1 --", 0), ("%00" * 8, 0), ("a" * 500, 0), ("王" * 24, 0)],
)
def test_hostile_tokens_are_not_found_and_junk_never_reaches_the_database(
    client, certificate, token, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries):
        response = client.get(f"/verify/{token}/")
    assert response.status_code == 404
    assert 'data-testid="verify-not-found"' in _page(response)


def test_a_path_in_the_token_is_a_plain_404(client, certificate):
    assert client.get("/verify/..%2F..%2Fetc%2Fpasswd/").status_code == 404


@pytest.mark.parametrize(
    ("number", "name"),
    [
        ("' OR '1'='1", "' OR '1'='1"),
        ("HLJ-ZC2-%", "%"),
        ("", ""),
        ("HLJ\x00", "王\x00"),
        ("H" * 5000, "王" * 5000),
        ("<script>alert(1)</script>", "<b>x</b>"),
    ],
)
def test_hostile_lookups_get_a_plain_answer(client, certificate, number, name):
    response = client.post(reverse("verify:form"), {"number": number, "name": name})
    assert response.status_code == 200
    html = _page(response)
    assert 'data-testid="verify-result"' not in html
    assert "<script>alert(1)</script>" not in html


def test_lookups_are_rate_limited_per_client_with_a_chinese_429(client, certificate, settings):
    settings.REGISTRY_VERIFY_LOOKUP_RATE = "3/h"
    for _ in range(3):
        assert client.post(reverse("verify:form"), {"number": "X", "name": "Y"}).status_code == 200
    response = client.post(reverse("verify:form"), {"number": certificate.number, "name": "王喆堃"})
    assert response.status_code == 429
    assert "请求过于频繁" in _page(response)
    assert "最多等待 60 分钟" in _page(response)
    assert 'data-testid="verify-result"' not in _page(response)
    # Another client is not affected.
    other = client.post(
        reverse("verify:form"), {"number": certificate.number, "name": "王喆堃"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 200


def test_token_lookups_have_their_own_limit(client, certificate, settings):
    settings.REGISTRY_VERIFY_RATE = "2/m"
    url = f"/verify/{certificate.verification_token}/"
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert "最多等待 1 分钟" in _page(refused)


def test_the_form_page_is_public_and_in_chinese(client):
    response = client.get(reverse("verify:form"))
    assert response.status_code == 200
    assert "注册证核验" in _page(response)


def test_a_lookup_runs_a_constant_number_of_queries(client, certificate, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(f"/verify/{certificate.verification_token}/")


def test_the_qr_page_is_served_from_the_cache_until_the_certificate_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from registry.services.certificates import certificate_revoke
    from tests.factories import RegistrationCertificateFactory, UserFactory

    certificate = RegistrationCertificateFactory()
    url = f"/verify/{certificate.verification_token}/"
    first = client.get(url)
    assert first.status_code == 200
    assert "csrfmiddlewaretoken" not in first.content.decode()  # nothing visitor-specific may be cached
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, by=UserFactory(), reason="挂靠")
    after = client.get(url).content.decode()
    assert "已撤销" in after
    assert "已撤销" not in first.content.decode()
