"""Building blocks of the public certificate verification page (/verify/, no login).

- Each certificate carries an unguessable token (`verification_token_new`, 144 random bits) printed in its
  QR code as `/verify/TOKEN/`. The token, not the certificate number, is what the QR code reveals, so
  numbers (which are sequential) cannot be walked.
- Without a token, a visitor must give the certificate number *and* the holder's exact name; a mismatch
  gets the same answer as an unknown number, so there is no oracle for valid numbers.
- Every request is rate-limited per client (`verification_rate_limited`), more strictly for number + name
  lookups. Limits are counted in the default cache, which must be shared between web processes in
  production (CACHE_URL=redis://...); docs/decisions/0005-public-verification.md.
- The page shows the holder's name and ID number masked (`mask_name`, people.validators.mask_resident_id).
"""

import ipaddress
import re
import secrets
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from audit.request import request_address
from people.validators import normalize_name

TOKEN_BYTES = 18  # 144 bits; secrets.token_urlsafe gives 24 URL-safe characters
TOKEN_LENGTH = 24
VERIFY_PATH = "/verify/"
_TOKEN_RE = re.compile(rf"^[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}$")

LookupKind = Literal["token", "number"]


def verification_token_new() -> str:
    """A fresh token for a certificate (RegistrationCertificate.verification_token, unique)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def verification_token_is_well_formed(token: str) -> bool:
    """Reject junk before touching the database (it still counts against the client's rate limit)."""
    return bool(_TOKEN_RE.fullmatch(token or ""))


def verification_url(token: str) -> str:
    """The absolute URL the QR code carries: SITE_URL/verify/TOKEN/ (the `verify:token` page).

    A path, not a query string, so the URL is short (a smaller QR code) and the token, being URL-safe
    base64, needs no escaping.
    """
    return f"{settings.SITE_URL}{VERIFY_PATH}{token}/"


def holder_name_matches(given: str, actual: str) -> bool:
    """True when `given` is the holder's name; constant-time, so timing tells nothing about near misses."""
    a, b = normalize_name(given), normalize_name(actual)
    return bool(a) and secrets.compare_digest(a.encode(), b.encode())


def mask_name(name: str) -> str:
    """`王喆堃` → `王*堃`, `李明` → `李*`: enough to recognise, not enough to harvest."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def client_ip(group: str, request: HttpRequest) -> str:
    """The client's address for rate limiting: the address the trusted proxies saw
    (audit.request.request_address, REGISTRY_TRUSTED_PROXY_COUNT), so a forged X-Forwarded-For cannot dodge
    the limit; an IPv6 client counts by its /64, which one client usually holds whole."""
    address = request_address(request)
    if address is None:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def verification_rate_limited(request: HttpRequest, *, kind: LookupKind) -> bool:
    """Count this request against the client's limit for `kind` and say whether it is over the limit.

    Token lookups (from a QR code) get REGISTRY_VERIFY_RATE; number + name lookups, the only way to probe
    without a token, get the stricter REGISTRY_VERIFY_LOOKUP_RATE. Both count every request, found or not.
    """
    rate = settings.REGISTRY_VERIFY_RATE if kind == "token" else settings.REGISTRY_VERIFY_LOOKUP_RATE
    return is_ratelimited(
        request, group=f"registry.verify.{kind}", key=client_ip, rate=rate, method=ALL, increment=True
    )


# --- the cached QR page ----------------------------------------------------------------------------------
def verification_page_cache_key(token: str, language: str) -> str:
    return f"verify:page:{token}:{language}"


def verification_page_forget(token: str) -> None:
    """Drop the cached QR page of a certificate in every language: its state has changed."""
    from django.conf import settings
    from django.core.cache import cache

    cache.delete_many([verification_page_cache_key(token, code) for code, _name in settings.LANGUAGES])
