"""Sign-ins and sign-outs: one audit row per attempt, and the session rules that start at sign-in.

Every attempt on either login page leaves exactly one row: LOGIN (the password was right), LOGIN_FAILED
(it was not), or LOCKED_OUT (the attempt that reached the limit, or one refused while locked; then the
password is not even checked). A sign-out leaves LOGOUT, with why: the user's click or the idle timeout.
The receivers in accounts/signals.py call these functions; django-axes' receivers run before them
(INSTALLED_APPS order) and mark the request when it locks.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from audit.models import Action
from audit.services import audit_log

from .lockout import name_for_records
from .two_factor import two_factor_required

LAST_ACTIVITY_KEY = "registry_last_activity"
# The last-activity stamp is rewritten at most this often (s): a session write on every request would
# cost a query on every page; the idle timeout is then exact to within this.
STAMP_EVERY_SECONDS = 60
LOGOUT_REASON_ATTR = "registry_logout_reason"


def _page(request: HttpRequest | None) -> str:
    path = getattr(request, "path_info", "") or ""
    return "admin" if path.startswith("/admin/") else "site"


def sign_in_record(*, request: HttpRequest, user: Any) -> None:
    audit_log(action=Action.LOGIN, actor=user, request=request, target=user, detail={"page": _page(request)})


def sign_in_failure_record(*, request: HttpRequest | None, credentials: dict[str, Any]) -> None:
    """LOGIN_FAILED or LOCKED_OUT, naming the account tried (masked if it looks like an ID or phone
    number) and, when such an account exists, pointing at it."""
    tried = str(credentials.get("username") or "")
    label = name_for_records(tried)
    account = get_user_model().objects.filter(username=tried).first() if tried and label == tried else None
    detail: dict[str, Any] = {"page": _page(request)}
    if getattr(request, "axes_locked_out", False):
        action = Action.LOCKED_OUT
        counted = getattr(request, "axes_failures_since_start", None)
        detail["reason"] = "limit_reached" if counted is not None else "still_locked"
    else:
        action = Action.LOGIN_FAILED
    audit_log(
        action=action, request=request, actor_label=label, target=account, target_label=label, detail=detail
    )


def sign_out_record(*, request: HttpRequest, user: Any) -> None:
    reason = getattr(request, LOGOUT_REASON_ATTR, "user")
    audit_log(action=Action.LOGOUT, actor=user, request=request, target=user, detail={"reason": reason})


def idle_limit_seconds(user: Any) -> int:
    minutes = (
        settings.REGISTRY_STAFF_IDLE_MINUTES
        if two_factor_required(user)
        else settings.REGISTRY_ENTERPRISE_IDLE_MINUTES
    )
    return int(minutes) * 60


def session_start(*, request: HttpRequest, user: Any) -> None:
    """Staff, bureau, inspectors and superusers: the session cookie dies with the browser. Everyone: the
    idle clock starts now (accounts.middleware.IdleTimeoutMiddleware)."""
    if two_factor_required(user):
        request.session.set_expiry(0)
    request.session[LAST_ACTIVITY_KEY] = int(time.time())


def session_idle(*, request: HttpRequest) -> bool:
    """True when the signed-in user's session has been idle too long; otherwise note the activity."""
    now = int(time.time())
    last = request.session.get(LAST_ACTIVITY_KEY)
    if isinstance(last, int) and now - last > idle_limit_seconds(request.user):
        return True
    if not isinstance(last, int) or now - last >= STAMP_EVERY_SECONDS:
        request.session[LAST_ACTIVITY_KEY] = now
    return False
