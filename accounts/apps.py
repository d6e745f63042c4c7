from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import audit_details, signals  # noqa: F401  (audit_details registers how events read)
        from .otp_admin import hide_device_admins
        from .roles import sync_roles_after_migrate

        # Permissions of every app are created by post_migrate; the roles are given theirs right after,
        # so a model added in a later migration reaches its role without a hand-written data migration.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        # Sign-ins, failures and sign-outs in the audit trail (accounts/sign_in.py).
        user_logged_in.connect(signals.on_user_logged_in, dispatch_uid="accounts.logged_in")
        user_login_failed.connect(signals.on_user_login_failed, dispatch_uid="accounts.login_failed")
        user_logged_out.connect(signals.on_user_logged_out, dispatch_uid="accounts.logged_out")
        hide_device_admins()
