"""How the accounts' audit events read in the auditor's pages (audit/describe.py): sign-ins, second
factor, account and role changes, in Chinese, not as stored keys."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.describe import Lines, describes, field_names, generic, key_label
from audit.models import Action, AuditEvent

from .roles import Role

PAGES = {"site": _("the site's sign-in page"), "admin": _("the admin's sign-in page")}
REASONS = {
    "user": _("signed out by the user"),
    "idle_timeout": _("signed out after the idle time"),
    "limit_reached": _("too many failed sign-ins"),
    "still_locked": _("tried again while locked"),
}
FACTOR_KINDS = {"totp": _("verification code"), "recovery": _("recovery code")}
STEPS = {"enrol": _("setting up")}


def _roles(slugs) -> str:
    labels = [str(Role(s).label) if s in Role.values else str(s) for s in slugs or []]
    return "、".join(labels) or gettext("none")


def _take(detail: dict, key: str, table: dict) -> str | None:
    value = detail.pop(key, None)
    return None if value is None else str(table.get(value, value))


@describes(Action.LOGIN, Action.LOGIN_FAILED, Action.LOCKED_OUT, Action.LOGOUT)
def sign_in(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    if (page := _take(detail, "page", PAGES)) is not None:
        lines.append((gettext("where"), page))
    if (reason := _take(detail, "reason", REASONS)) is not None:
        lines.append((key_label("reason"), reason))
    return lines + generic(detail)


@describes(Action.OTP_ENROLLED, Action.OTP_FAILED, Action.OTP_RECOVERY_USED, Action.OTP_RESET)
def second_factor(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    if (codes := detail.pop("recovery_codes", None)) is not None:
        lines.append((gettext("recovery codes issued"), str(codes)))
    if (left := detail.pop("left", None)) is not None:
        lines.append((gettext("recovery codes left"), str(left)))
    if (kind := _take(detail, "kind", FACTOR_KINDS)) is not None:
        lines.append((gettext("code entered"), kind))
    if (step := _take(detail, "step", STEPS)) is not None:
        lines.append((gettext("step"), step))
    if detail.pop("throttled", False):
        lines.append((gettext("throttled"), gettext("yes")))
    return lines + generic(detail)


@describes(Action.USER_CREATED, Action.USER_CHANGED, Action.ROLE_CHANGED)
def account(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    lines: Lines = []
    if "fields" in detail:
        lines.append((key_label("fields"), field_names("accounts.user", detail.pop("fields") or [])))
    for key, label in (
        ("roles", _("roles")),
        ("roles_before", _("roles before")),
        ("roles_after", _("roles after")),
    ):
        if key in detail:
            lines.append((str(label), _roles(detail.pop(key))))
    for key, label in (
        ("is_superuser", _("superuser")),
        ("superuser_before", _("superuser before")),
        ("superuser_after", _("superuser after")),
    ):
        if key in detail:
            lines.append((str(label), gettext("yes") if detail.pop(key) else gettext("no")))
    return lines + generic(detail)
