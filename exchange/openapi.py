"""The API's OpenAPI schema as the text checked in at docs/api/openapi.json.

Generated from the code (django-ninja reads the routers, their pydantic schemas and type hints), so the
file is never written by hand: `manage.py export_openapi` writes it, and tests/exchange/test_openapi.py
fails when the checked-in file differs from what the code generates.
"""

import json
from pathlib import Path

from django.conf import settings

from exchange.api import api

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def openapi_text() -> str:
    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False) + "\n"
