"""django-axes, fitted to the registry: two limits, names fit for the records, a Chinese lockout page.

Axes counts failed sign-ins per account and per client address (AXES_LOCKOUT_PARAMETERS) against one
limit. An office behind one NAT address has many honest typists, so the address gets its own, higher
limit (REGISTRY_LOGIN_ADDRESS_FAILURE_LIMIT) here: `LockoutHandler.get_failures` reports an address over
its limit as an account at its limit, and axes' own logic does the rest.
"""

import re
from math import ceil

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_RESIDENT_ID = re.compile(r"\d{17}[\dXx]")
_MOBILE = re.compile(r"1\d{10}")


def name_for_records(username: str | None) -> str:
    """The username as tried, for the lockout counter and the audit trail.

    People type their resident ID number or mobile number into the username field; those never reach a
    table or a log in clear (the registry's masking: four characters kept at each end of an ID number,
    three and four of a phone number).
    """
    value = (username or "").strip()[:150]
    if _RESIDENT_ID.fullmatch(value):
        return f"{value[:4]}{'*' * 10}{value[-4:]}"
    if _MOBILE.fullmatch(value):
        return f"{value[:3]}****{value[-4:]}"
    return value


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: the name axes counts failures under."""
    if credentials:
        return name_for_records(credentials.get("username"))
    return name_for_records(request.POST.get("username"))


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate, higher limit for a client address than for an account."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = {
            str(parameter): attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for parameter, attempts in zip(
                settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials), strict=True
            )
        }
        by_account, by_address = failures["username"], failures["ip_address"]
        if by_address >= settings.REGISTRY_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the Chinese lockout page, saying when to try again and never whether the
    account exists."""
    minutes = ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
