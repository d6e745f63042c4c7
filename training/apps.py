from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from registry.signals import demo_seeded


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Continuing education")

    def ready(self) -> None:
        # The registry reads the ledger through its extension point (registry/advisories.py) and asks for
        # the ledger's demo through a signal: it may not import this app (docs/decisions/0080, 0095).
        from .demo import demo_seeded_receiver
        from .providers import register_providers

        register_providers()
        demo_seeded.connect(demo_seeded_receiver, dispatch_uid="training-demo")
