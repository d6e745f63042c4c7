"""POST /api/v1/recognitions and GET /api/v1/recognitions/{id}: checked whole, idempotent per reference,
nothing written on bad input, another partner's submission is 404."""

import datetime as dt
import json
from unittest import mock

import pytest
import time_machine
from django.db import DatabaseError

from exchange.models import AccessLog, InboundCertificate, Scope
from tests.factories import MetrologyProjectFactory, valid_resident_id
from tests.factories.exchange import InboundCertificateFactory, issued_key

from .conftest import bearer

pytestmark = pytest.mark.django_db
URL = "/api/v1/recognitions"
ID_NUMBER = valid_resident_id(birth=dt.date(1985, 3, 4), serial=123)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def projects():
    return [MetrologyProjectFactory(code="12.301"), MetrologyProjectFactory(code="12.302")]


@pytest.fixture
def partner_key():
    return issued_key(partner__scopes=[Scope.RECOGNITION_WRITE])


def submission(**changes) -> dict:
    data = {
        "reference": "SH-2026-0001",
        "kind": "assessment",
        "holder_name": "李明",
        "holder_id_number": ID_NUMBER,
        "number": "SHKH-2024-00017",
        "issuing_authority": "上海市市场监督管理局",
        "region": "shanghai",
        "issued_on": "2024-05-01",
        "valid_until": None,
        "projects": ["12.301", "12.302"],
    }
    data.update(changes)
    return data


def post(client, secret, data):
    return client.post(URL, json.dumps(data), content_type="application/json", **bearer(secret))


def test_a_submission_lands_pending_with_201(client, projects, partner_key):
    key, secret = partner_key
    response = post(client, secret, submission())
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "pending"
    assert body["state_label"]
    inbound = InboundCertificate.objects.get(pk=body["id"])
    assert inbound.partner == key.partner
    assert inbound.holder_id_number == ID_NUMBER
    assert body["holder_id_number_masked"] == inbound.masked_holder_id_number
    assert ID_NUMBER not in json.dumps(body)
    log = AccessLog.objects.get()
    assert (log.status, log.records, log.operation) == (201, 1, "recognition_submit")


def test_codes_are_nfkc_normalised(client, projects, partner_key):
    full_width_id = "".join(chr(ord(c) + 0xFEE0) for c in ID_NUMBER)
    response = post(
        client, partner_key[1], submission(holder_id_number=full_width_id, projects=["１２.３０１"])
    )
    assert response.status_code == 201
    inbound = InboundCertificate.objects.get()
    assert inbound.holder_id_number == ID_NUMBER
    assert inbound.projects == ["12.301"]


def test_the_same_reference_and_content_again_is_200_and_not_duplicated(client, projects, partner_key):
    first = post(client, partner_key[1], submission())
    again = post(client, partner_key[1], submission(projects=["12.302", "12.301"]))  # order is not content
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert InboundCertificate.objects.count() == 1


def test_the_same_reference_with_other_content_is_409(client, projects, partner_key):
    first = post(client, partner_key[1], submission())
    conflict = post(client, partner_key[1], submission(number="SHKH-2024-00018"))
    assert conflict.status_code == 409
    error = conflict.json()["error"]
    assert error["code"] == "reference_conflict"
    assert error["details"] == {"id": first.json()["id"]}
    assert InboundCertificate.objects.get().number == "SHKH-2024-00017"


def test_two_partners_may_use_the_same_reference(client, projects, partner_key):
    other_secret = issued_key(partner__scopes=[Scope.RECOGNITION_WRITE])[1]
    assert post(client, partner_key[1], submission()).status_code == 201
    assert post(client, other_secret, submission()).status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"holder_id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")}, "holder_id_number"),
        ({"issued_on": "2026-11-03"}, "issued_on"),
        ({"valid_until": "2024-04-30"}, "valid_until"),
        ({"projects": ["99.999"]}, "projects"),
        ({"holder_name": "=cmd|' /C calc'!A0"}, "holder_name"),
        ({"issuing_authority": "上海\u202e局"}, "issuing_authority"),
        ({"reference": "   "}, "reference"),
    ],
)
def test_bad_input_is_400_with_the_field_and_writes_nothing(client, projects, partner_key, changes, field):
    response = post(client, partner_key[1], submission(**changes))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_submission"
    assert field in [entry["field"] for entry in error["details"]]
    assert not InboundCertificate.objects.exists()
    assert AccessLog.objects.get().records == 0


@pytest.mark.parametrize(
    "data",
    [
        submission(kind="driving_licence"),
        submission(region="hainan"),
        submission(projects=[]),
        submission(extra="field"),
        {"reference": "x"},
        [],
    ],
)
def test_malformed_bodies_are_422_and_write_nothing(client, projects, partner_key, data):
    response = post(client, partner_key[1], data)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert not InboundCertificate.objects.exists()


def test_a_body_that_is_not_json_is_400(client, partner_key):
    response = client.post(URL, "{not json", content_type="application/json", **bearer(partner_key[1]))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_body"


def test_a_database_error_mid_way_rolls_back_and_answers_json(client, projects, partner_key):
    with mock.patch("exchange.services.InboundCertificate.objects.create", side_effect=DatabaseError("boom")):
        response = post(client, partner_key[1], submission())
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert not InboundCertificate.objects.exists()


def test_reading_own_submission(client, projects, partner_key):
    key, secret = partner_key
    inbound = InboundCertificateFactory(partner=key.partner, projects=["12.301"])
    response = client.get(f"{URL}/{inbound.pk}", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["reference"] == inbound.reference
    assert inbound.holder_id_number not in response.content.decode()


def test_another_partners_submission_is_404_like_a_missing_one(client, partner_key):
    theirs = InboundCertificateFactory()
    response = client.get(f"{URL}/{theirs.pk}", **bearer(partner_key[1]))
    missing = client.get(f"{URL}/{theirs.pk + 1000}", **bearer(partner_key[1]))
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


@pytest.mark.parametrize("path", ["/0", "/99999999999999999999999", "/-1", "/abc"])
def test_odd_ids_are_json_404s(client, partner_key, path):
    response = client.get(URL + path, **bearer(partner_key[1]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_verify_scope_cannot_submit(client, projects):
    secret = issued_key(partner__scopes=[Scope.VERIFY_READ])[1]
    response = post(client, secret, submission())
    assert response.status_code == 403
    assert not InboundCertificate.objects.exists()
