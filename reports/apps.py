from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Yearly reports")

    def ready(self) -> None:
        from . import audit_details  # noqa: F401  (registers how its audit events read)
