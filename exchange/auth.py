"""Bearer keys, scopes and the per-key rate limit of the exchange API.

Each router names the scope its operations need: `Router(auth=require_scope(Scope.SYNC_READ))`. A call
then passes, in this order: a key in `Authorization: Bearer …` that exists, belongs to an active partner,
is neither expired nor revoked (else 401 `invalid_key`); the key's rate limit (else 429 `rate_limited`
with Retry-After); the scope (else 403 `insufficient_scope`). From the moment the key is known the call is
written to the access log (exchange.middleware), refused or not.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from ninja.security import HttpBearer

from common.ratelimits import rate_wait_minutes
from exchange import selectors, services
from exchange.errors import ApiError
from exchange.models import ApiKey, Scope

# The attributes exchange.middleware reads to write the access-log row.
KEY_ATTRIBUTE = "exchange_key"
RECORDS_ATTRIBUTE = "exchange_records"


def _invalid_key() -> ApiError:
    return ApiError(401, "invalid_key", _("The API key is missing, unknown, expired or revoked."))


def _key_id(group: str, request: HttpRequest) -> str:
    return str(getattr(request, KEY_ATTRIBUTE).pk)


class ApiKeyAuth(HttpBearer):
    """The partner's key, checked for one scope. Use `require_scope`, not this class directly."""

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiKey | None:
        header = request.headers.get(self.header, "")
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _invalid_key()
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = selectors.api_key_for(token)
        if key is None:
            raise _invalid_key()
        setattr(request, KEY_ATTRIBUTE, key)
        rate = settings.REGISTRY_API_RATE
        if is_ratelimited(request, group="exchange.api", key=_key_id, rate=rate, method=ALL, increment=True):
            raise ApiError(
                429,
                "rate_limited",
                _("Too many requests with this key; wait and try again."),
                headers={"Retry-After": str(rate_wait_minutes(rate) * 60)},
            )
        if not key.partner.has_scope(self.scope):
            raise ApiError(403, "insufficient_scope", _("This API key may not use this operation."))
        services.api_key_touch(key=key)
        return key


def require_scope(scope: Scope) -> ApiKeyAuth:
    """The `auth=` of a router (or an operation) whose calls need `scope`."""
    return ApiKeyAuth(scope)


def records_returned(request: HttpRequest, count: int) -> None:
    """Say how many records this call returned or wrote: the access log records it."""
    setattr(request, RECORDS_ATTRIBUTE, count)
