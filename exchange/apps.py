from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Exchange with partner regions")

    def ready(self) -> None:
        from . import audit_details, checks  # noqa: F401  (registers how its audit events read, the check)
