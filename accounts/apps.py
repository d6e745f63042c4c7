from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from .roles import sync_roles_after_migrate

        # Permissions of every app are created by post_migrate; the roles are given theirs right after,
        # so a model added in a later migration reaches its role without a hand-written data migration.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
