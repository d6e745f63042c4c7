from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.signals import employer_decided
from workdays.signals import working_days_changed


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from . import audit_details, checks  # noqa: F401  (registers the audit describers, the system checks)
        from .services.deadlines import recompute_on_calendar_change
        from .services.employer_notices import employer_decision_notify_queue

        working_days_changed.connect(recompute_on_calendar_change, dispatch_uid="registry-deadlines")
        employer_decided.connect(employer_decision_notify_queue, dispatch_uid="registry-employer-decided")
