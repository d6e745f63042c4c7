"""Tests sign staff in with `client.force_login`; this makes such a session pass the second factor, as if
the code page had been answered (tests/conftest.py connects it; scripts run by tests connect it too)."""

import django_otp


def verified_by_second_factor(sender, request, user, **kwargs) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import two_factor_required

    if not two_factor_required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    request.user = user  # force_login's request carries no user
    django_otp.login(request, device)


def verified_session_cookie(user):
    """The session cookie of `user` signed in server-side with the second factor passed: for browser tests
    that need a signed-in page but are not about signing in (those walk the real pages)."""
    from django.conf import settings
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client

    client = Client()
    user_logged_in.connect(verified_by_second_factor, dispatch_uid="tests.otp.verified_session_cookie")
    try:
        client.force_login(user)
    finally:
        user_logged_in.disconnect(dispatch_uid="tests.otp.verified_session_cookie")
    return client.cookies[settings.SESSION_COOKIE_NAME]
