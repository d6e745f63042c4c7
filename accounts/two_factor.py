"""Two-factor authentication (TOTP with django-otp, recovery codes as django-otp static tokens).

Who needs it: superusers, anyone who enters the admin (is_staff), and the roles that read or change
registry-wide data: the association, the training centre, the security auditor, the bureau and the
inspectors. An enterprise clerk sees only its own employer and signs in with a password.

The flow (accounts/two_factor_views.py, enforced on every page by accounts.middleware.TwoFactorMiddleware):
password → no confirmed authenticator yet: enrolment (QR code, key, a code to confirm) → ten recovery
codes shown once → in; otherwise a code from the authenticator or one recovery code. Every write here
runs in one transaction with its audit row (docs/decisions/0021-two-factor-authentication.md).
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action
from audit.services import audit_log

from .roles import STAFF_ROLES, Role

TWO_FACTOR_ROLES = frozenset({str(role) for role in (*STAFF_ROLES, Role.BUREAU, Role.INSPECTOR)})
RECOVERY_CODE_COUNT = 10
# 12 characters from 31 unambiguous ones (no 0/o, 1/l/i): about 59 bits each; typed with or without dashes.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 12


def two_factor_required(user: Any) -> bool:
    """Whether `user` must give a second factor before any page. Asked live, so a role granted during
    a session takes effect at the next request."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(user.role_names & TWO_FACTOR_ROLES)


def totp_device_confirmed(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_device_for_enrolment(user: Any) -> TOTPDevice:
    """The unconfirmed authenticator whose key the enrolment page shows: the same one on every visit,
    so that reloading the page does not invalidate what the user already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no image request, no inline style)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, omitsize=True, title=_("QR code for the authenticator app")
    )


def totp_key_groups(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app without a camera."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch not in " -\t\u3000")


def format_recovery_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code given on the enrolment or verification page."""

    ok: bool
    retry_at: datetime | None = None  # refused without checking: too many wrong codes, wait until then
    recovery_codes: list[str] = field(default_factory=list)  # fresh codes, after enrolment
    recovery_used: bool = False
    recovery_left: int = 0


def _recovery_codes_replace(user: Any) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [format_recovery_code(code) for code in codes]


def _refused(request: HttpRequest, device: Any, **detail: Any) -> CodeCheck | None:
    """Refuse and record the attempt when the device is throttled after wrong codes (django-otp's
    exponential back-off: 1, 2, 4, 8 ... seconds after 1, 2, 3, 4 ... wrong codes in a row)."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    user: Any = request.user
    audit_log(action=Action.OTP_FAILED, request=request, target=user, detail={**detail, "throttled": True})
    return CodeCheck(ok=False, retry_at=(info or {}).get("locked_until"))


def _verified(request: HttpRequest, device: Any) -> None:
    """The session now counts as verified by `device`, under a new session key (the privilege grew)."""
    request.session.cycle_key()
    django_otp.login(request, device)


@transaction.atomic
def two_factor_enrol(*, request: HttpRequest, code: str) -> CodeCheck:
    """Confirm the enrolment device with a code from the app; on success the session counts as verified
    and ten new recovery codes are returned (shown once, never again)."""
    user: Any = request.user
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or totp_device_confirmed(user) is not None:
        return CodeCheck(ok=False)
    refused = _refused(request, device, step="enrol")
    if refused is not None:
        return refused
    if not device.verify_token(normalise_code(code)):
        audit_log(action=Action.OTP_FAILED, request=request, target=user, detail={"step": "enrol"})
        return CodeCheck(ok=False)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    _verified(request, device)
    audit_log(action=Action.OTP_ENROLLED, request=request, target=user, detail={"recovery_codes": len(codes)})
    return CodeCheck(ok=True, recovery_codes=codes)


@transaction.atomic
def two_factor_verify(*, request: HttpRequest, code: str) -> CodeCheck:
    """Check a code from the authenticator (digits) or a recovery code (letters and digits, used up)."""
    user: Any = request.user
    token = normalise_code(code)
    kind = "totp" if token.isdigit() and len(token) in (6, 8) else "recovery"
    model = TOTPDevice if kind == "totp" else StaticDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        audit_log(action=Action.OTP_FAILED, request=request, target=user, detail={"kind": kind})
        return CodeCheck(ok=False)
    refused = _refused(request, device, kind=kind)
    if refused is not None:
        return refused
    if not device.verify_token(token):
        audit_log(action=Action.OTP_FAILED, request=request, target=user, detail={"kind": kind})
        return CodeCheck(ok=False)
    _verified(request, device)
    if kind == "totp":
        return CodeCheck(ok=True)
    left = device.token_set.count()
    audit_log(action=Action.OTP_RECOVERY_USED, request=request, target=user, detail={"left": left})
    return CodeCheck(ok=True, recovery_used=True, recovery_left=left)


@transaction.atomic
def two_factor_reset(*, user: Any, by: Any = None, request: HttpRequest | None = None) -> int:
    """Remove every authenticator and recovery code of `user` (a lost phone): the user enrols again at the
    next page, and sessions verified with the removed devices are verified no longer. `by` is the
    superuser who did it; without one the act is recorded as the system's (the command line)."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        ids = list(model.objects.filter(user=user).values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).delete()
        removed += len(ids)
    audit_log(
        action=Action.OTP_RESET,
        actor=by,
        request=request,
        target=user,
        system=by is None,
        detail={"devices": removed},
    )
    return removed
