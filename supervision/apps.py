from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from registry.signals import demo_seeded


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from . import audit_details  # noqa: F401  (registers how its audit events read)

        # The registry's and people's admin pages show spot-check findings through their extension point
        # (people/record_panels.py), and the registry asks for the supervision demo through a signal: neither
        # may import this app (docs/decisions/0080).
        from .demo import demo_seeded_receiver
        from .demo_desk import seed_visits_and_feedback
        from .record_panels import register_panels

        register_panels()
        demo_seeded.connect(demo_seeded_receiver, dispatch_uid="supervision-demo")
        demo_seeded.connect(seed_visits_and_feedback, dispatch_uid="supervision-demo-desk")
