"""Start-up checks of the audit trail's configuration."""

from django.conf import settings
from django.core import checks

# MLPS 2.0 level 3 (GB/T 22239-2019, 安全审计) and the Cybersecurity Law art. 21: at least six months.
MINIMUM_RETENTION_DAYS = 180


@checks.register(checks.Tags.security)
def check_audit_retention(app_configs, **kwargs) -> list[checks.CheckMessage]:
    days = settings.REGISTRY_AUDIT_RETENTION_DAYS
    if not isinstance(days, int) or days < MINIMUM_RETENTION_DAYS:
        return [
            checks.Error(
                f"REGISTRY_AUDIT_RETENTION_DAYS is {days!r}; audit events must be kept at least "
                f"{MINIMUM_RETENTION_DAYS} days (MLPS 2.0 level 3).",
                id="audit.E001",
            )
        ]
    return []
