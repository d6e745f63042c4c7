from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from . import audit_details  # noqa: F401  (registers how its audit events read)
