"""What every answer under /api/ shares: JSON only, Chinese messages, one access-log row per keyed call.

Installed near the top of MIDDLEWARE so that it wraps everything after it: Django's own 404 for a path no
route matches (and the branded HTML page config.errors.FriendlyNotFoundMiddleware would give), a 405, a
500 page, all become the API's JSON error (exchange/errors.py). The messages are Chinese whatever the
client's Accept-Language says (the interface language of the registry, and the contract of the API).
"""

from django.utils import timezone

from audit.request import request_address
from exchange.auth import KEY_ATTRIBUTE, RECORDS_ATTRIBUTE
from exchange.errors import generic_error
from exchange.models import AccessLog

API_PREFIX = "/api/"
API_LANGUAGE = "zh-hans"


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _printable(value: str, length: int) -> str:
    """A client-given string as stored: printable characters only (PostgreSQL refuses NUL), bounded."""
    return "".join(char for char in value if char.isprintable())[:length]


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        request.META["HTTP_ACCEPT_LANGUAGE"] = API_LANGUAGE  # read by LocaleMiddleware, below this one
        request.COOKIES.pop("django_language", None)
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            replacement = generic_error(response.status_code)
            if "Allow" in response:  # a 405 says which methods the address takes (RFC 9110)
                replacement["Allow"] = response["Allow"]
            response = replacement
        self._log(request, response)
        return response

    def process_exception(self, request, exception):
        if request.path_info.startswith(API_PREFIX):
            return generic_error(500)
        return None

    def _log(self, request, response) -> None:
        key = getattr(request, KEY_ATTRIBUTE, None)
        if key is None:
            return
        match = getattr(request, "resolver_match", None)
        AccessLog.objects.create(
            at=timezone.now(),
            key=key,
            partner_id=key.partner_id,
            method=request.method[:10],
            operation=(match.url_name or "")[:100] if match else "",
            path=_printable(request.path, 300),
            status=response.status_code,
            records=getattr(request, RECORDS_ATTRIBUTE, 0) if response.status_code < 400 else 0,
            client_address=request_address(request),
            request_id=_printable(request.headers.get("X-Request-ID", ""), 100),
        )
