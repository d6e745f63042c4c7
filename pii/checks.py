"""The keys for personal data at rest must work, and production must not run on the development keys."""

from typing import Any

from django.conf import settings
from django.core import checks

from . import crypto

DEVELOPMENT_MARK = "insecure"


@checks.register(checks.Tags.security)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(problem, hint="See README.md, Secrets.", id="pii.E001")
        for problem in crypto.check_configuration()
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_development_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The defaults in config/settings/base.py are published in the repository: never for real data."""
    field_keys = [key.strip() for key in settings.REGISTRY_FIELD_ENCRYPTION_KEYS]
    if (
        settings.REGISTRY_BLIND_INDEX_KEY.startswith(DEVELOPMENT_MARK)
        or settings.REGISTRY_DEVELOPMENT_FIELD_KEY in field_keys
    ):
        return [
            checks.Error(
                "The development keys for personal data at rest are configured.",
                hint="Set REGISTRY_FIELD_ENCRYPTION_KEYS and REGISTRY_BLIND_INDEX_KEY (README.md, Secrets).",
                id="pii.E002",
            )
        ]
    return []
