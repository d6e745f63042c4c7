"""Production must not hash API keys with the published development pepper."""

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_api_key_pepper(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    pepper = settings.REGISTRY_API_KEY_PEPPER
    if pepper == settings.REGISTRY_DEVELOPMENT_API_KEY_PEPPER or len(pepper) < 32:
        return [
            checks.Error(
                "The API keys are hashed with the development pepper (or one shorter than 32 characters).",
                hint="Set REGISTRY_API_KEY_PEPPER (README.md, Secrets); changing it invalidates every key.",
                id="exchange.E001",
            )
        ]
    return []
