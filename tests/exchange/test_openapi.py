"""The checked-in schema is the code's, and it describes every error a client can meet."""

import json

import pytest
from django.core.management import CommandError, call_command

from exchange.openapi import SCHEMA_PATH, openapi_text


def test_the_checked_in_schema_is_what_the_code_generates():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == openapi_text(), (
        "docs/api/openapi.json is stale: run `python manage.py export_openapi` and commit it"
    )


def test_export_openapi_check_fails_on_a_stale_file(tmp_path, monkeypatch):
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr("exchange.management.commands.export_openapi.SCHEMA_PATH", stale)
    with pytest.raises(CommandError):
        call_command("export_openapi", "--check")
    call_command("export_openapi")
    assert stale.read_text(encoding="utf-8") == openapi_text()


def test_every_operation_declares_its_errors_and_the_bearer_scheme():
    schema = json.loads(openapi_text())
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"] == {"type": "http", "scheme": "bearer"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = set(operation["responses"])
            assert {"401", "403", "422", "429"} <= responses, (method, path)
            assert operation["security"] == [{"ApiKeyAuth": []}]
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorOut"}


@pytest.mark.django_db
def test_the_schema_is_served_at_a_stable_url(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(openapi_text())
