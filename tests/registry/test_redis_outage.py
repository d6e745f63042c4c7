"""A Redis outage delays work and never loses it, and never turns a committed decision into an error page.

The scenario of issue 11, item 7, through the real admin page: the broker (and the cache) is a private
redis-server started for the test and killed (tests/redis_server.py). Staff issue a certificate while it
is down: the page answers at once (the one place the suite asserts a duration: the issue asks for under
2 s), the decision is committed, and the employer's e-mail waits in the outbox. /verify/ still answers.
Redis comes back (empty: it lost its queue) and a real worker, given the periodic sweeps as beat would
send them, delivers the e-mail and produces the PDF.

The worker shares the database, so this runs on PostgreSQL with committed transactions.
"""

import time
import uuid

import pytest
from django.urls import reverse

from accounts.roles import Role
from config.celery import app as celery_app
from registry.models import NotificationLog, RegistrationCertificate
from tests.celery_worker import broker_at, worker_process
from tests.factories import ApplicationFactory, MetrologyProjectFactory, UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, *, timeout: float = 60, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _redis_cache(url: str) -> dict:
    return {"default": {"BACKEND": "config.cache.FailSoftRedisCache", "LOCATION": url}}


def test_issuing_with_redis_down_answers_at_once_and_the_email_goes_out_when_it_returns(
    client, settings, private_redis, tmp_path
):
    private_redis.start()
    settings.CACHES = _redis_cache(private_redis.url(1))
    queue = f"outage-{uuid.uuid4().hex[:10]}"
    application = ApplicationFactory(
        approved=True, projects=[MetrologyProjectFactory()], employer__contact_email="hr@example.cn"
    )
    client.force_login(UserFactory(role=Role.ASSOCIATION))
    issue_url = reverse("admin:registry_application_transition", args=[application.pk, "issue"])

    with broker_at(private_redis.url(0), queue=queue):
        private_redis.stop()  # the outage
        started = time.monotonic()
        response = client.post(issue_url, {})
        elapsed = time.monotonic() - started

        assert response.status_code == 302, response.content[:2000]
        assert elapsed < 2.0, f"the issue page took {elapsed:.1f} s with Redis down"
        page = client.get(response["Location"])
        assert "已发证" in page.content.decode()  # "Done: the application is now “Issued”."
        application.refresh_from_db()
        assert application.state == "issued"
        certificate = RegistrationCertificate.objects.get(application=application)
        assert not certificate.pdf
        outbox = NotificationLog.objects.get(key__startswith=f"application:{application.pk}:")
        assert outbox.status == NotificationLog.Status.PENDING
        assert outbox.recipient == "hr@example.cn"

        # The public page degrades too: no shared rate limit or page cache, but an answer.
        verify = client.get(f"/verify/{certificate.verification_token}/")
        assert verify.status_code == 200
        assert certificate.number in verify.content.decode()

        private_redis.start()  # back, and empty: the lost messages are not in it
        log = tmp_path / "worker.log"
        with worker_process(queue=queue, log=log, extra_env={"CELERY_BROKER_URL": private_redis.url(0)}):
            # What beat sends every minute (notifications) and every 15 minutes (PDFs).
            celery_app.send_task("registry.deliver_notifications", queue=queue)
            celery_app.send_task("registry.sweep_certificate_pdfs", queue=queue)
            sent = _wait_for(
                lambda: NotificationLog.objects.filter(pk=outbox.pk, status="sent").first(),
                what="the employer's e-mail",
            )
            _wait_for(
                lambda: RegistrationCertificate.objects.get(pk=certificate.pk).pdf, what="the certificate PDF"
            )
    assert sent.attempts == 1
    assert "已发证" in sent.subject
    assert "registry.deliver_notification[" in log.read_text()
