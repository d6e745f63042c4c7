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
