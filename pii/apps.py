from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PiiConfig(AppConfig):
    """Personal data at rest: encrypted model fields, keyed blind indexes, key rotation (no models)."""

    name = "pii"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
