"""django-otp's device admin pages are not offered: they show and edit a user's authenticator key and
recovery codes (whoever sees them can sign in as that user) and delete devices unaudited. A superuser
resets a user's second factor through accounts.two_factor_views.reset instead, which is audited."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def hide_device_admins() -> None:
    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
