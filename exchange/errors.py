"""One JSON shape for every error the API gives, with stable codes and Chinese messages.

`{"error": {"code": "invalid_key", "message": "…", "details": …}}`. Clients branch on `code`, which never
changes once published; `message` is for people (Simplified Chinese); `details` says which field, when a
field is at fault. The handlers below replace django-ninja's (whose body is `{"detail": …}`), and
exchange.middleware turns whatever answers under /api/ without JSON (Django's 404 for an unknown path,
405, a 500) into the same shape, so a client never gets an HTML page.
"""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

logger = logging.getLogger(__name__)


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody


class ApiError(Exception):
    """An answer other than success: raised anywhere in an operation or its authentication."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    response = JsonResponse(error_body(code, message, details), status=status)
    return response


def generic_error(status: int) -> JsonResponse:
    """The answer for a status that no operation chose (unknown path, wrong method, crash)."""
    if status == 404:
        return error_response(404, "not_found", _("There is no such record or address."))
    if status == 405:
        return error_response(405, "method_not_allowed", _("This address does not accept this method."))
    if status >= 500:
        return error_response(status, "server_error", _("The server could not answer. Try again later."))
    return error_response(status, "bad_request", _("The request could not be understood."))


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The `response=` entries an operation declares for its errors, so the schema describes them."""
    return dict.fromkeys(statuses, ErrorOut)


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Which field and what kind of problem: JSON-safe (pydantic's own entries may hold exceptions)."""
    return [
        {
            "field": ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


def install_error_handlers(api: NinjaAPI) -> None:
    def api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        response = api.create_response(
            request, error_body(exc.code, exc.message, exc.details), status=exc.status
        )
        for name, value in exc.headers.items():
            response[name] = value
        return response

    def validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        body = error_body(
            "invalid_input",
            _("Some values are missing or malformed; see details."),
            _validation_details(exc.errors),
        )
        return api.create_response(request, body, status=422)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            body = error_body("invalid_key", _("A valid API key is required (Authorization: Bearer …)."))
        elif isinstance(exc, AuthorizationError):
            body = error_body("insufficient_scope", _("This API key may not use this operation."))
        elif exc.status_code == 400:
            body = error_body("malformed_body", _("The request body is not valid JSON."))
        else:
            return generic_error(exc.status_code)
        return api.create_response(request, body, status=exc.status_code)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return generic_error(404)

    def crash(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("exchange API: unhandled error in %s", request.path)
        return generic_error(500)

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Exception, crash)
