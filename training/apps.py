from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from registry.signals import demo_seeded


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Continuing education")

    def ready(self) -> None:
        from .demo import demo_seeded_receiver

        demo_seeded.connect(demo_seeded_receiver, dispatch_uid="training-demo")
