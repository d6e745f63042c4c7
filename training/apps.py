from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Continuing education")

    def ready(self) -> None:
        # The registry reads the ledger through its extension point (registry/advisories.py): it may not
        # import this app (docs/decisions/0095-renewal-reads-the-ledger.md).
        from .providers import register_providers

        register_providers()
