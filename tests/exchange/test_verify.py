"""GET /api/v1/certificates/verify: like the /verify/ page, for programs; never an oracle, never the full
resident ID number or name."""

import json

import pytest

from exchange.models import AccessLog, Scope
from registry.elicence import _mod_37_36, elicence_identifier
from tests.factories import MetrologyProjectFactory, RegistrationCertificateFactory
from tests.factories.exchange import issued_key

from .conftest import bearer

pytestmark = pytest.mark.django_db
URL = "/api/v1/certificates/verify"


@pytest.fixture
def certificate():
    projects = [MetrologyProjectFactory(code="12.201", name="压力表"), MetrologyProjectFactory(code="12.202")]
    certificate = RegistrationCertificateFactory(projects=projects, application__person__name="王喆堃")
    return certificate


@pytest.fixture
def secret():
    return issued_key(partner__scopes=[Scope.VERIFY_READ])[1]


def test_by_number_and_exact_name(client, certificate, secret, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"number": certificate.number, "holder_name": "王喆堃"}, **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == certificate.number
    assert body["state"] == "valid"
    assert body["state_label"] == "有效"
    assert body["holder_name_masked"] == "王*堃"
    assert body["holder_id_number_masked"] == certificate.person.masked_id_number
    assert [p["code"] for p in body["projects"]] == ["12.201", "12.202"]
    assert body["valid_until"] == certificate.valid_until.isoformat()
    assert body["employer"] == certificate.employer_name
    assert body["elicence"]["identifier"] == elicence_identifier(certificate.number)
    assert body["elicence"]["holder_name"] == "王*堃"
    log = AccessLog.objects.get()
    assert (log.status, log.records, log.operation) == (200, 1, "certificate_verify")


def test_by_elicence_identifier(client, certificate, secret):
    identifier = elicence_identifier(certificate.number)
    response = client.get(URL, {"identifier": identifier}, **bearer(secret))
    assert response.status_code == 200
    assert response.json()["number"] == certificate.number


def test_full_width_number_is_normalised(client, certificate, secret):
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in certificate.number)
    response = client.get(URL, {"number": full_width, "holder_name": "王喆堃"}, **bearer(secret))
    assert response.status_code == 200


def test_a_wrong_name_answers_exactly_like_an_unknown_number(client, certificate, secret):
    wrong_name = client.get(URL, {"number": certificate.number, "holder_name": "王喆"}, **bearer(secret))
    unknown = client.get(URL, {"number": "HLJ-ZC1-2020-99999", "holder_name": "王喆堃"}, **bearer(secret))
    assert wrong_name.status_code == unknown.status_code == 404
    assert wrong_name.json() == unknown.json()
    assert wrong_name.json()["error"]["code"] == "not_found"
    assert set(AccessLog.objects.values_list("records", flat=True)) == {0}


def test_an_identifier_under_another_issuer_finds_nothing(client, certificate, secret):
    ours = elicence_identifier(certificate.number)
    parts = ours.split(".")
    parts[6] = "91310000MA1K000000"  # another issuer's credit code, same serial
    body = ".".join(parts[:-1])
    theirs = f"{body}.{_mod_37_36(body)}"
    response = client.get(URL, {"identifier": theirs}, **bearer(secret))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"number": "HLJ-ZC1-2026-00001"},
        {"holder_name": "王喆堃"},
        {"number": "HLJ\u202e-1", "holder_name": "x"},
    ],
)
def test_incomplete_or_hostile_queries_are_400(client, secret, query):
    response = client.get(URL, query, **bearer(secret))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameters"


def test_overlong_parameters_are_422(client, secret):
    response = client.get(URL, {"number": "9" * 61, "holder_name": "王"}, **bearer(secret))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_no_full_resident_id_or_name_in_any_answer(client, certificate, secret):
    full_id = certificate.person.id_number
    answers = [
        client.get(URL, {"number": certificate.number, "holder_name": "王喆堃"}, **bearer(secret)),
        client.get(URL, {"identifier": elicence_identifier(certificate.number)}, **bearer(secret)),
        client.get(URL, {"number": certificate.number, "holder_name": "王喆"}, **bearer(secret)),
    ]
    for response in answers:
        text = json.dumps(response.json(), ensure_ascii=False)  # the body escapes non-ASCII
        assert "王*堃" in text or response.status_code == 404
        assert full_id not in text
        assert full_id[:6] + full_id[6:14] not in text
        assert "王喆堃" not in text
