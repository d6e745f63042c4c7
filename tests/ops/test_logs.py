"""Logs (issue 21): JSON records carrying the request id into the tasks a request enqueues, and no resident
ID or mobile number in clear anywhere in them, over a whole walk through the registry."""

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from exams.models import AssessmentSession
from ops import signals
from ops.logs import JsonFormatter, RedactFilter, RequestIdFilter, request_id_var
from people.models import Employer, Person
from registry.models import RegistrationCertificate
from tests.factories import valid_resident_id
from tests.log_capture import every_logger_at_debug_into
from tests.test_personal_data_scan import (
    _add_applicants,
    _as,
    _import_scores,
    _reseed,
    _sign_up_and_verify,
    full_id_numbers_in,
    private_storage_in,
)

# A mainland mobile number standing alone (not inside a longer word: ciphertext in the SQL log is base64).
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


def _handler(stream: io.StringIO) -> logging.Handler:
    """The console handler as settings.LOGGING builds it with LOG_FORMAT=json, writing to `stream`."""
    config = settings.LOGGING
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    assert config["formatters"]["json"]["()"] == "ops.logs.JsonFormatter"
    assert config["handlers"]["console"]["filters"] == ["request_id", "redact"]
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactFilter())
    return handler


@contextmanager
def json_logs_at_debug() -> Iterator[io.StringIO]:
    """Every logger at DEBUG (SQL with its parameters included) into the JSON handler."""
    stream = io.StringIO()
    handler = _handler(stream)
    handler.setLevel(logging.DEBUG)
    with every_logger_at_debug_into(handler, others_at=logging.WARNING):
        yield stream


def _records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


# --- the filters and the formatter ------------------------------------------------------------------------
def test_a_record_is_redacted_everywhere_and_formatted_as_json():
    stream = io.StringIO()
    logger = logging.getLogger("tests.ops.redact")
    logger.addHandler(_handler(stream))
    logger.setLevel(logging.DEBUG)
    number = valid_resident_id(serial=515)
    try:
        token = request_id_var.set("req-1")
        try:
            try:
                raise ValueError(f"bad {number}")
            except ValueError:
                logger.exception(
                    "person %s phone %s",
                    number,
                    13812345678,
                    extra={"who": f"身份证{number}，电话13812345678"},
                )
        finally:
            request_id_var.reset(token)
        logger.info("outside a request")
    finally:
        logger.handlers.clear()
    text = stream.getvalue()
    assert number not in text
    assert "13812345678" not in text
    first, second = _records(stream)
    assert first["message"] == f"person {number[:4]}{'*' * 10}{number[-4:]} phone 138****5678"
    assert first["who"] == f"身份证{number[:4]}{'*' * 10}{number[-4:]}，电话138****5678"
    assert first["level"] == "ERROR"
    assert first["logger"] == "tests.ops.redact"
    assert first["request_id"] == "req-1"
    assert "ValueError: bad" in first["exc_info"]
    assert second["request_id"] == "-"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", second["time"])


def test_longer_numbers_are_not_taken_for_phones():
    assert RedactFilter().filter(
        record := logging.makeLogRecord({"msg": "order 213812345678 at 1764225175123"})
    )
    assert record.msg == "order 213812345678 at 1764225175123"


# --- the request id -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_each_response_carries_a_request_id_of_its_own(client):
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "kept"),
    [("lb-7f3a.9:0001", True), ("x" * 65, False), ("a b", False), ("a\nb", False), ("<script>", False)],
)
def test_the_proxy_s_request_id_is_kept_only_when_short_and_safe(given, kept, settings):
    settings.REGISTRY_TRUSTED_PROXY_COUNT = 1
    answer = Client(HTTP_X_FORWARDED_FOR="10.0.0.1", HTTP_X_REQUEST_ID=given).get("/accounts/login/")
    assert (answer["X-Request-ID"] == given) is kept


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_client_s_request_id_is_ignored():
    answer = Client(HTTP_X_REQUEST_ID="chosen-by-client").get("/accounts/login/")
    assert answer["X-Request-ID"] != "chosen-by-client"


def test_the_request_id_travels_in_a_header_and_is_restored_in_the_worker():
    headers: dict = {}
    token = request_id_var.set("req-42")
    try:
        signals._add_request_id_header(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {signals.HEADER: "req-42"}
    # In the worker: no request around, the header brings the id back for the task's records.
    task = SimpleNamespace(name="config.ping", request=SimpleNamespace(**headers))
    signals._task_started(task_id="t-1", task=task)
    assert request_id_var.get() == "req-42"
    signals._task_ended(task_id="t-1", task=task, state="SUCCESS")
    assert request_id_var.get() == "-"
    # A forged header is not trusted.
    task = SimpleNamespace(name="config.ping", request=SimpleNamespace(**{signals.HEADER: "a b\n"}))
    signals._task_started(task_id="t-2", task=task)
    assert request_id_var.get() not in ("-", "a b\n")
    signals._task_ended(task_id="t-2", task=task, state="SUCCESS")


# --- the walk -------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)  # real commits: the PDF task runs after them, as live
def test_a_walk_through_logs_no_id_or_phone_number_and_one_id_per_request(tmp_path, settings):
    private_storage_in(tmp_path / "private", settings)
    mail.outbox = []
    _reseed()
    new_people = [("钱喆", valid_resident_id(serial=711)), ("孙堃", valid_resident_id(serial=712))]
    with json_logs_at_debug() as stream:
        call_command("seed_demo", force=True)
        session = AssessmentSession.objects.get(name="2026年第一期计量专业项目考核")
        project = session.projects.order_by("code").first()
        clerk_user = _sign_up_and_verify()  # the employer's contact phone goes through a form
        _import_scores(new_people, session, project)
        clerk = Client()
        clerk.force_login(clerk_user)
        applications = _add_applicants(clerk, project, *new_people)  # applicants' phones too
        accepter, approver = _as("xiehui"), _as("xiehui2")
        issue_ids = []
        for application in applications:
            for client, name in ((accepter, "accept"), (approver, "approve"), (accepter, "issue")):
                response = client.post(
                    reverse("admin:registry_application_transition", args=[application.pk, name])
                )
            issue_ids.append(response["X-Request-ID"])
        certificate = RegistrationCertificate.objects.get(application=applications[0])
        assert certificate.pdf  # made by the task the issuing request enqueued
        before = len(stream.getvalue().splitlines())
        lookup = Client().post(
            reverse("verify:form"), {"number": certificate.number, "name": new_people[0][0]}
        )
        lookup_lines = stream.getvalue().splitlines()[before:]
        assert lookup.status_code == 200

    text = stream.getvalue()
    records = _records(stream)
    # The walk was logged: SQL at DEBUG, the certificate PDF task started by the issuing request.
    assert any(r["logger"] == "django.db.backends" for r in records)
    ids = {number for _name, number in new_people} | {
        p.id_number for p in Person.objects.all() if p.id_number
    }
    # Mobile numbers (landlines such as an employer's 0451-… switchboard are not personal data here).
    numbers = [p.phone for p in Person.objects.all()] + [e.contact_phone for e in Employer.objects.all()]
    phones = {n for n in numbers if n and MOBILE.fullmatch(n)}
    assert "13904519999" in phones
    assert len(ids) > 2
    print(
        f"{len(records)} records, {len(ids)} ID numbers and {len(phones)} phone numbers looked for",
        file=sys.stderr,
    )
    assert [n for n in ids if n in text or n.lower() in text] == []
    assert [p for p in phones if p in text] == []
    assert full_id_numbers_in(text) == set()
    assert MOBILE.findall(text) == []
    # One request, one id: every record the lookup wrote carries the id its response returned.
    lookup_records = [json.loads(line) for line in lookup_lines]
    assert lookup_records
    assert {r["request_id"] for r in lookup_records} == {lookup["X-Request-ID"]}
    # And the task the issuing request enqueued logged under that request's id.
    started = [
        r
        for r in records
        if r["logger"] == "ops.tasks" and "registry.generate_certificate_pdf started" in r["message"]
    ]
    assert len(set(issue_ids)) == len(applications)
    assert set(issue_ids) <= {r["request_id"] for r in started}
