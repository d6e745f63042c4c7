"""Two rules for every page a signed-in user opens: the idle timeout, and the second factor first."""

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .sign_in import LOGOUT_REASON_ATTR, session_idle
from .two_factor import totp_device_confirmed, two_factor_required


class IdleTimeoutMiddleware:
    """Sign out a session left idle longer than its user's limit, and say so on the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and session_idle(request=request):
            setattr(request, LOGOUT_REASON_ATTR, "idle_timeout")
            logout(request)
            messages.warning(
                request,
                _("You were signed out after a period without activity, to protect the data. Log in again."),
            )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


@cache
def _open_paths() -> tuple[frozenset[str], tuple[str, ...]]:
    """Pages an unverified user may open: exact paths, and path prefixes."""
    exact = frozenset(
        reverse(name)
        for name in (
            "login",
            "logout",
            "admin:login",
            "admin:logout",
            "two_factor:setup",
            "two_factor:verify",
        )
    )
    prefixes = (settings.STATIC_URL, "/i18n/", "/verify/")
    return exact, prefixes


def two_factor_open(path: str) -> bool:
    exact, prefixes = _open_paths()
    return path in exact or path.startswith(prefixes)


class TwoFactorMiddleware:
    """A user who needs a second factor and has not given one in this session reaches only the login,
    logout and two-factor pages (and static files, the language switch and public verification); every
    other page, the admin's included, sends them to enrolment or to the code page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if (
            user.is_authenticated
            and two_factor_required(user)
            and not user.is_verified()
            and not two_factor_open(request.path_info)
        ):
            step = "two_factor:verify" if totp_device_confirmed(user) is not None else "two_factor:setup"
            return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
