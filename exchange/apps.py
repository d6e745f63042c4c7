from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from registry.signals import demo_seeded


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Exchange with partner regions")

    def ready(self) -> None:
        from . import audit_details, checks  # noqa: F401  (registers how its audit events read, the check)

        # The registry asks for the demo's partner through a signal: it may not import this app (0080).
        from .demo import seed_exchange

        demo_seeded.connect(seed_exchange, dispatch_uid="exchange-demo")
