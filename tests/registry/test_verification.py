"""The building blocks of /verify/: tokens, name matching and masking, per-client rate limits."""

import pytest
from django.core.cache import cache
from django.core.checks import run_checks
from django.test import RequestFactory

from registry.verification import (
    TOKEN_LENGTH,
    client_ip,
    holder_name_matches,
    mask_name,
    verification_rate_limited,
    verification_token_is_well_formed,
    verification_token_new,
    verification_url,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_tokens_are_url_safe_well_formed_and_distinct():
    tokens = {verification_token_new() for _ in range(2000)}
    assert len(tokens) == 2000
    assert all(len(t) == TOKEN_LENGTH and verification_token_is_well_formed(t) for t in tokens)


@pytest.mark.parametrize("junk", ["", "short", "x" * 25, "HLJ-ZC2-2026-00017", "a" * 23 + "/", "' OR 1=1 --"])
def test_junk_is_not_a_well_formed_token(junk):
    assert not verification_token_is_well_formed(junk)


def test_the_qr_url_carries_the_token_not_the_number(settings):
    settings.SITE_URL = "https://registry.example.cn"
    token = verification_token_new()
    assert verification_url(token) == f"https://registry.example.cn/verify/{token}/"


@pytest.mark.parametrize(
    ("given", "actual", "matches"),
    [
        ("王喆堃", "王喆堃", True),
        (" 王 喆堃 ", "王喆堃", True),
        ("阿依古丽•买买提", "阿依古丽·买买提", True),
        ("王喆", "王喆堃", False),
        ("", "", False),
        ("王喆堃", "王哲堃", False),
    ],
)
def test_the_holder_name_must_match_exactly_up_to_spacing_and_width(given, actual, matches):
    assert holder_name_matches(given, actual) is matches


@pytest.mark.parametrize(
    ("name", "masked"), [("王喆堃", "王*堃"), ("李明", "李*"), ("欧阳娜娜", "欧**娜"), ("王", "*"), ("", "")]
)
def test_names_are_masked_for_the_public_page(name, masked):
    assert mask_name(name) == masked


def _request(remote: str = "203.0.113.7", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/verify/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.REGISTRY_TRUSTED_PROXY_COUNT = 0
    assert client_ip("g", _request(forwarded="1.2.3.4")) == "203.0.113.7"


def test_behind_one_proxy_the_client_cannot_forge_its_address(settings):
    settings.REGISTRY_TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    assert client_ip("g", _request(remote="10.0.0.2", forwarded="1.2.3.4, 198.51.100.9")) == "198.51.100.9"


def test_ipv6_clients_are_counted_per_64(settings):
    a = client_ip("g", _request(remote="2001:db8:1:2::1"))
    b = client_ip("g", _request(remote="2001:db8:1:2:ffff::9"))
    assert a == b == "2001:db8:1:2::"


def test_number_lookups_are_limited_per_client_and_other_clients_are_not(settings):
    settings.REGISTRY_VERIFY_LOOKUP_RATE = "3/h"
    first = [verification_rate_limited(_request("203.0.113.7"), kind="number") for _ in range(4)]
    assert first == [False, False, False, True]
    assert verification_rate_limited(_request("203.0.113.8"), kind="number") is False
    # The token limit is counted separately.
    assert verification_rate_limited(_request("203.0.113.7"), kind="token") is False


def test_deploy_check_warns_when_the_rate_limit_cache_is_not_shared(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "registry.W001" in [m.id for m in run_checks(include_deployment_checks=True)]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}
    }
    assert "registry.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]
