from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from . import checks, metrics, signals  # noqa: F401  (system checks; Celery signal receivers)

        metrics.register()
