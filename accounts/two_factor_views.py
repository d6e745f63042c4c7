"""The two-factor pages: enrolment, the code page, and a superuser's reset of someone's second factor."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .two_factor import (
    CodeCheck,
    totp_device_confirmed,
    totp_device_for_enrolment,
    totp_key_groups,
    totp_qr_svg,
    two_factor_enrol,
    two_factor_required,
    two_factor_reset,
    two_factor_verify,
)


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), max_length=32)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("home")


def _refusal(result: CodeCheck) -> str:
    if result.retry_at is not None:
        return _("Too many wrong codes in a row. Try again after %(time)s.") % {
            "time": time_format(timezone.localtime(result.retry_at), "H:i:s")
        }
    return _("The code is not correct or has expired. Enter the code the app shows now.")


@never_cache
@sensitive_post_parameters("code")
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the key), confirm with a code, receive the recovery codes."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor_required(user) or user.is_verified() or totp_device_confirmed(user) is not None:
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor_enrol(request=request, code=form.cleaned_data["code"])
        if result.ok:
            # Shown in this response only: the codes are not kept anywhere they could be shown again.
            return render(
                request,
                "accounts/two_factor/recovery_codes.html",
                {"codes": result.recovery_codes, "next": next_url},
            )
        form.add_error("code", _refusal(result))
    device = totp_device_for_enrolment(user)
    context = {"form": form, "qr_svg": totp_qr_svg(device), "key": totp_key_groups(device), "next": next_url}
    return render(request, "accounts/two_factor/setup.html", context)


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of every sign-in: a code from the authenticator app, or one recovery code."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor_required(user) or user.is_verified():
        return redirect(next_url)
    if totp_device_confirmed(user) is None:
        return redirect(f"{resolve_url('two_factor:setup')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor_verify(request=request, code=form.cleaned_data["code"])
        if result.ok:
            if result.recovery_used:
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d remain. If your phone is lost, ask a "
                        "system administrator to reset your two-factor authentication."
                    )
                    % {"left": result.recovery_left},
                )
            return redirect(next_url)
        form.add_error("code", _refusal(result))
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """A superuser removes a user's authenticator and recovery codes (a lost phone); audited."""
    if not (request.user.is_superuser and request.user.is_verified()):
        raise PermissionDenied
    account = get_object_or_404(get_user_model(), pk=user_id)
    change_url = resolve_url("admin:accounts_user_change", account.pk)
    if request.method == "POST":
        two_factor_reset(user=account, by=request.user, request=request)
        messages.success(
            request,
            _("Two-factor authentication of %(username)s was reset; they set it up at their next sign-in.")
            % {"username": account.get_username()},
        )
        return redirect(change_url)
    context = {
        **admin.site.each_context(request),
        "title": _("Reset two-factor authentication"),
        "account": account,
        "enrolled": totp_device_confirmed(account) is not None,
        "change_url": change_url,
    }
    return render(request, "accounts/two_factor/reset.html", context)
