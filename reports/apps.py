from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from registry.signals import demo_seeded


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Yearly reports")

    def ready(self) -> None:
        from . import audit_details  # noqa: F401  (registers how its audit events read)

        # The registry asks for the demo's reports through a signal: it may not import this app (0080).
        from .demo import seed_reports

        demo_seeded.connect(seed_reports, dispatch_uid="reports-demo")
