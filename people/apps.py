from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Employers and people")

    def ready(self) -> None:
        from . import audit_details  # noqa: F401  (registers how its audit events read)
