"""/healthz, /readyz and /metrics: who reaches them, what they say, and that the site's middleware leaves
them alone (issue 21, "Health and metrics")."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from ops.checks import health_networks_check
from ops.models import JobRun
from registry.models import RegistrationCertificate
from registry.signing import signing_identity
from tests.factories import ApplicationFactory, RegistrationCertificateFactory
from workdays import working_days
from workdays.models import CalendarYear

pytestmark = pytest.mark.django_db

NOV = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Beijing


def _readyz(client: Client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)


# --- /healthz ------------------------------------------------------------------------------------------
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_ignores_a_session_cookie(client, association_user, django_assert_num_queries):
    client.force_login(association_user)  # a signed-in browser opening it: the session is not loaded
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


def test_probes_are_not_sent_to_https_or_the_friendly_404(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # production: every other page redirects to https
    settings.DEBUG = True  # `make run`: FriendlyNotFoundMiddleware looks at every request
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/portal/").status_code == 301  # the redirect is on for the rest of the site


# --- who may ask --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_other_addresses_are_told_it_does_not_exist(path, settings):
    response = Client(REMOTE_ADDR="203.0.113.9").get(path)
    assert response.status_code == 404
    assert b"status" not in response.content
    assert b"registry_" not in response.content


def test_a_configured_network_is_allowed_and_ipv6_loopback_by_default(settings):
    settings.REGISTRY_HEALTH_ALLOWED_NETWORKS = ["10.20.0.0/16", "::1"]
    assert Client(REMOTE_ADDR="10.20.3.4").get("/healthz").status_code == 200
    assert Client(REMOTE_ADDR="::1").get("/healthz").status_code == 200
    assert Client(REMOTE_ADDR="10.21.0.1").get("/healthz").status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1").get("/healthz").status_code == 404  # not listed any more


def test_behind_a_proxy_the_forwarded_address_counts_and_a_forged_one_does_not(settings):
    settings.REGISTRY_HEALTH_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    settings.REGISTRY_TRUSTED_PROXY_COUNT = 1
    proxy = "192.0.2.1"  # the reverse proxy itself is not in the list
    allowed = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="10.20.3.4")
    assert allowed.get("/healthz").status_code == 200
    # The client wrote the first address; the proxy appended the real one.
    forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="10.20.3.4, 203.0.113.9")
    assert forged.get("/healthz").status_code == 404
    settings.REGISTRY_TRUSTED_PROXY_COUNT = 0  # no proxy configured: the header is ignored altogether
    assert (
        Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.20.3.4").get("/healthz").status_code == 404
    )


def test_a_mistyped_network_is_a_system_check_error(settings):
    settings.REGISTRY_HEALTH_ALLOWED_NETWORKS = ["127.0.0.1/32", "10.0.0.300/8"]
    assert [e.id for e in health_networks_check(None)] == ["ops.E001"]


# --- /readyz ------------------------------------------------------------------------------------------
def test_readyz_in_process_mode_reports_each_check_and_is_ready(client):
    status, body = _readyz(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "worker", "beat", "calendar", "signing"}
    for name in ("database", "cache", "storage"):
        assert body["checks"][name]["status"] == "ok"
        assert body["checks"][name]["required"] is True
    assert body["checks"]["worker"]["status"] == "skipped"  # tests run tasks in-process: no worker to ask


def test_readyz_needs_a_recent_heartbeat_when_a_broker_is_configured(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with time_machine.travel(NOV, tick=False):
        status, body = _readyz(client)
        assert status == 503
        assert body["status"] == "failed"
        assert body["checks"]["worker"]["status"] == "failed"
        assert body["checks"]["beat"]["status"] == "failed"
        started = NOV - dt.timedelta(minutes=2)
        JobRun.objects.create(
            task="ops.heartbeat", started_at=started, finished_at=started, outcome=JobRun.Outcome.OK
        )
        status, body = _readyz(client)
        assert status == 200, body
        assert body["checks"]["worker"]["status"] == "ok"
        assert body["checks"]["beat"]["status"] == "ok"
    with time_machine.travel(NOV + dt.timedelta(minutes=10), tick=False):  # no heartbeat since: stale
        status, body = _readyz(client)
    assert status == 503
    assert body["checks"]["worker"]["status"] == "failed"


def test_readyz_says_storage_failed_without_the_reason(client, monkeypatch, settings):
    def refuse(name, content, max_length=None):
        raise PermissionError(f"[Errno 13] Permission denied: '{settings.PRIVATE_STORAGE_ROOT}/.readyz/x'")

    monkeypatch.setattr(default_storage, "save", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["storage"]["status"] == "failed"
    text = response.content.decode()
    assert str(settings.PRIVATE_STORAGE_ROOT) not in text
    assert "Permission" not in text


def test_readyz_body_names_no_secret_host_or_path(client, settings):
    text = client.get("/readyz").content.decode()
    for secret in (
        settings.SECRET_KEY,
        str(settings.DATABASES["default"]["NAME"]),
        str(settings.PRIVATE_STORAGE_ROOT),
        settings.REGISTRY_BLIND_INDEX_KEY,
    ):
        assert secret not in text


def test_readyz_leaves_no_probe_file_behind(client, settings):
    assert client.get("/readyz").status_code == 200
    probes = settings.PRIVATE_STORAGE_ROOT / ".readyz"
    assert probes.is_dir()  # the probe was written here ...
    assert list(probes.iterdir()) == []  # ... and deleted


def test_next_years_calendar_is_a_warning_then_a_failure_that_never_fails_readiness(client):
    CalendarYear.objects.filter(year=2027).delete()
    with time_machine.travel(NOV, tick=False):
        status, body = _readyz(client)
    assert status == 200
    assert body["checks"]["calendar"] == {
        "status": "warning",
        "required": False,
        "message": body["checks"]["calendar"]["message"],
    }
    assert "2027" in body["checks"]["calendar"]["message"]
    with time_machine.travel(dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        status, body = _readyz(client)
    assert status == 200
    assert body["checks"]["calendar"]["status"] == "failed"
    CalendarYear.objects.create(year=2027, status=CalendarYear.Status.OFFICIAL)
    working_days.invalidate()
    with time_machine.travel(dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        status, body = _readyz(client)
    assert body["checks"]["calendar"]["status"] == "ok"


def test_the_signing_key_is_reported_and_its_expiry_warned_of_without_failing_readiness(client, settings):
    identity = signing_identity()  # the development CA here, valid ten years
    expires = identity.certificate.not_valid_after
    status, body = _readyz(client)
    assert (status, body["checks"]["signing"]["status"], body["checks"]["signing"]["required"]) == (
        200,
        "ok",
        False,
    )
    assert timezone.localtime(expires).date().isoformat() in body["checks"]["signing"]["message"]

    with time_machine.travel(
        expires - dt.timedelta(days=settings.REGISTRY_HEALTH_SIGNING_DAYS - 1), tick=False
    ):
        status, body = _readyz(client)
    assert (status, body["checks"]["signing"]["status"]) == (200, "warning")
    assert str(settings.REGISTRY_HEALTH_SIGNING_DAYS - 1) in body["checks"]["signing"]["message"]  # days left
    with time_machine.travel(expires + dt.timedelta(days=1), tick=False):
        status, body = _readyz(client)
    assert (status, body["checks"]["signing"]["status"]) == (200, "failed")


def test_an_unusable_signing_key_fails_its_check_and_names_no_path(client, settings, tmp_path, caplog):
    settings.REGISTRY_SIGNING_KEY_FILE = str(tmp_path / "gone-key.pem")
    settings.REGISTRY_SIGNING_CERT_FILE = str(tmp_path / "gone-cert.pem")
    status, body = _readyz(client)
    assert status == 200  # the site still serves; only the PDFs wait
    assert body["status"] == "ok"
    assert body["checks"]["signing"]["status"] == "failed"
    assert "gone-key" not in json.dumps(body, ensure_ascii=False)
    assert "gone-key.pem cannot be read" in caplog.text  # the operator's reason, in the log


# --- /metrics ------------------------------------------------------------------------------------------
def _samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_exposes_the_named_series_with_their_values(client):
    with time_machine.travel(NOV, tick=False):
        ApplicationFactory.create_batch(2, submitted=True)
        ApplicationFactory(accepted=True)
        late = ApplicationFactory(submitted=True)
        late.__class__.objects.filter(pk=late.pk).update(current_due_on=dt.date(2026, 11, 10))
        issued = ApplicationFactory(issued=True)
        RegistrationCertificateFactory(application=issued, pdf="")  # no PDF yet: the backlog
        now = NOV - dt.timedelta(hours=1)
        JobRun.objects.create(
            task="registry.generate_certificate_pdf",
            periodic=False,
            started_at=now,
            outcome=JobRun.Outcome.FAILED,
        )
        JobRun.objects.create(
            task="registry.generate_certificate_pdf",
            periodic=False,
            started_at=now,
            outcome=JobRun.Outcome.FAILED,
        )
        JobRun.objects.create(  # two days ago: outside the 24 hours
            task="registry.deliver_notification",
            periodic=False,
            started_at=NOV - dt.timedelta(days=2),
            outcome=JobRun.Outcome.FAILED,
        )
        JobRun.objects.create(
            task="registry.apply_deemed_acceptance",
            started_at=now,
            finished_at=now,
            outcome=JobRun.Outcome.OK,
        )
        client.get("/accounts/login/")  # a page the request series count by view
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = _samples(response.content.decode())
    assert samples[("registry_applications", (("state", "submitted"),))] == 3
    assert samples[("registry_applications", (("state", "accepted"),))] == 1
    assert samples[("registry_applications", (("state", "issued"),))] == 1
    assert samples[("registry_applications", (("state", "denied"),))] == 0
    assert samples[("registry_applications_overdue", ())] == 1
    pdf_backlog = RegistrationCertificate.objects.filter(pdf="").count()
    assert pdf_backlog >= 1
    assert samples[("registry_certificate_pdf_backlog", ())] == pdf_backlog
    assert (
        samples[("registry_celery_task_failures_24h", (("task", "registry.generate_certificate_pdf"),))] == 2
    )
    assert ("registry_celery_task_failures_24h", (("task", "registry.deliver_notification"),)) not in samples
    assert samples[
        ("registry_job_last_success_timestamp_seconds", (("job", "apply-deemed-acceptance"),))
    ] == (now.timestamp())
    # The request series of django-prometheus, by view.
    by_view = {
        labels
        for name, labels in samples
        if name == "django_http_requests_latency_seconds_by_view_method_count"
    }
    assert (("method", "GET"), ("view", "login")) in by_view, by_view
    assert any(name.startswith("django_http_responses_total_by_status") for name, _ in samples)
