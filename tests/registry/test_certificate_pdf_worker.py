"""Certificate PDFs and reminders through the REAL Redis and a REAL worker process (tests/celery_worker.py).

The worker is a separate process on the PostgreSQL test database, so these tests commit for real
(`transaction=True`) and poll the database for what the worker did.
"""

import datetime as dt
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from config.celery import app as celery_app
from registry.models import NotificationLog, RegistrationCertificate
from registry.services import applications as services
from registry.services.certificate_pdfs import certificates_pdf_outdated, certificates_pdf_sweep
from registry.tasks import generate_certificate_pdf, send_expiry_reminders
from tests.celery_worker import broker_unreachable, worker_process
from tests.factories import (
    ApplicationFactory,
    MetrologyProjectFactory,
    RegistrationCertificateFactory,
    UserFactory,
)

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, *, timeout: float = 60, what: str = "the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _pdf_of(certificate_id: int) -> RegistrationCertificate | None:
    certificate = RegistrationCertificate.objects.get(pk=certificate_id)
    return certificate if certificate.pdf else None


def _files_of(certificate: RegistrationCertificate) -> list[str]:
    folder = Path(default_storage.path(certificate.pdf.name)).parent
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(certificate.number))


def test_issuing_makes_the_worker_produce_the_pdf_and_tell_the_employer(through_broker):
    application = ApplicationFactory(
        approved=True, projects=[MetrologyProjectFactory()], employer__contact_email="hr@example.cn"
    )
    services.application_issue(application=application, by=UserFactory(username="issuer"))
    certificate = RegistrationCertificate.objects.get(application=application)
    done = _wait_for(lambda: _pdf_of(certificate.pk), what="the PDF")
    assert done.pdf_state == "valid"
    assert default_storage.exists(done.pdf.name)
    _wait_for(
        lambda: NotificationLog.objects.filter(
            key__startswith=f"application:{application.pk}:", status="sent"
        ).exists(),
        what="the employer's e-mail",
    )
    assert "registry.generate_certificate_pdf[" in through_broker.log.read_text()


def test_the_task_run_twice_leaves_one_file(through_broker):
    certificate = RegistrationCertificateFactory()
    first = generate_certificate_pdf.delay(certificate_id=certificate.pk)
    second = generate_certificate_pdf.delay(certificate_id=certificate.pk)
    first_line, second_line = through_broker.wait_done(first), through_broker.wait_done(second)
    assert first_line.rsplit(": ", 1)[1] == second_line.rsplit(": ", 1)[1]  # the same file name
    done = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert _files_of(done) == [f"{done.number}.pdf"]
    stamped = done.pdf_generated_at
    through_broker.wait_done(generate_certificate_pdf.delay(certificate_id=certificate.pk))
    assert RegistrationCertificate.objects.get(pk=certificate.pk).pdf_generated_at == stamped


def test_redis_down_at_issue_time_the_issue_commits_and_the_sweep_produces_the_pdf_later(through_broker):
    application = ApplicationFactory(approved=True, projects=[MetrologyProjectFactory()])
    with broker_unreachable():
        services.application_issue(application=application, by=UserFactory(username="issuer"))
    application.refresh_from_db()
    assert application.state == "issued"
    certificate = RegistrationCertificate.objects.get(application=application)
    assert not certificate.pdf
    assert certificate in certificates_pdf_outdated()
    # Redis is back: the periodic sweep (here called directly) hands it to the worker.
    assert certificates_pdf_sweep() >= 1
    assert _wait_for(lambda: _pdf_of(certificate.pk), what="the swept PDF").pdf_state == "valid"


def test_a_worker_that_dies_mid_task_leaves_it_to_the_next_worker(django_db_blocker, tmp_path):
    """Acks late: the message is acknowledged only after the task returns. The first worker dies inside
    the task (os._exit), so no ack is ever sent.

    How the message comes back with kombu's Redis transport: a delivered message is moved to the
    `unacked` hash (scored by delivery time in `unacked_index`). A worker that stops cleanly puts its
    unacked messages back on the queue; one that dies cannot, and the message stays there until some
    worker's `restore_visible` finds it older than `visibility_timeout` (it runs at consumer start-up
    and then every `unacked_restore_interval` x `unacked_restore_throttle` seconds). Production keeps
    3600 s; these workers get 2 s, restored every second (settings: CELERY_VISIBILITY_TIMEOUT etc.), so
    the second worker restores and runs it within seconds.
    """
    certificate = RegistrationCertificateFactory()
    queue = f"crash-{uuid.uuid4().hex[:10]}"
    marker = tmp_path / "crash-once"
    marker.touch()
    fast_restore = {
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    log = tmp_path / "workers.log"
    with worker_process(queue=queue, log=log, extra_env=fast_restore) as first:
        celery_app.send_task(
            "tests.crash_once_then_generate_pdf", args=[certificate.pk, str(marker)], queue=queue
        )
        first.wait(timeout=60)
        assert first.returncode == 13  # died inside the task
    assert not marker.exists()
    assert not RegistrationCertificate.objects.get(pk=certificate.pk).pdf
    with worker_process(queue=queue, log=log, extra_env=fast_restore):
        done = _wait_for(lambda: _pdf_of(certificate.pk), what="the redelivered task")
    assert done.pdf_state == "valid"
    assert log.read_text().count("Task tests.crash_once_then_generate_pdf[") >= 2  # received twice


def test_expiry_reminders_through_the_worker_go_out_once(through_broker):
    certificate = RegistrationCertificateFactory(
        valid_until=timezone.localdate() + dt.timedelta(days=20),
        application__employer__contact_email="hr@example.cn",
    )
    results = [send_expiry_reminders.delay() for _ in range(2)]
    for result in results:
        through_broker.wait_done(result)
    logs = NotificationLog.objects.filter(key=f"certificate:{certificate.pk}:expiry-30:employer")
    assert [(log.status, log.attempts) for log in logs] == [("sent", 1)]
