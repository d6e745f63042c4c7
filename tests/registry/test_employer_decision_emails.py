"""An employer is told by e-mail when the association verifies its sign-up, or refuses it with the reason:
queued in the decision's transaction (the outbox), sent after commit, in Chinese, once per decision."""

import pytest
from django.core import mail
from django.urls import reverse

from people.services import employer_refuse, employer_suspend, employer_verify
from registry.models import NotificationLog
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "统一社会信用代码与营业执照不符。"


@pytest.fixture
def employer(db):
    employer = EmployerFactory(pending=True, contact_email="hr@example.cn")
    UserFactory(role="enterprise", employer=employer, email="clerk@example.cn")
    UserFactory(role="enterprise", employer=employer, email="gone@example.cn", is_active=False)
    return employer


def test_verifying_queues_a_chinese_email_sent_after_commit(
    employer, association_user, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://192.0.2.7:8123"
    with django_capture_on_commit_callbacks(execute=True):
        employer_verify(employer=employer, by=association_user)
        queued = NotificationLog.objects.get()
        assert queued.key.startswith(f"employer:{employer.pk}:verified:")
        assert mail.outbox == []  # not before commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["clerk@example.cn", "hr@example.cn"]  # not the inactive account
    assert employer.name in message.subject
    assert "审核通过" in message.subject
    assert "http://192.0.2.7:8123/portal/" in message.body
    assert REASON not in message.body


def test_refusing_sends_the_reason(employer, association_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        employer_refuse(employer=employer, by=association_user, reason=REASON)
    (message,) = mail.outbox
    assert "未通过" in message.subject
    assert REASON in message.body
    assert NotificationLog.objects.get().key.startswith(f"employer:{employer.pk}:refused:")


def test_each_decision_is_announced_once_and_a_refused_change_sends_nothing(
    employer, association_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        employer_refuse(employer=employer, by=association_user, reason=REASON)
        employer_verify(employer=employer, by=association_user)  # corrected, then verified
        employer_suspend(employer=employer, by=association_user)  # not an e-mail of this kind
        employer_verify(employer=employer, by=association_user)  # reinstated: told again
    assert [log.key.split(":")[2] for log in NotificationLog.objects.order_by("pk")] == [
        "refused",
        "verified",
        "verified",
    ]
    assert len(mail.outbox) == 3


def test_a_decision_that_rolls_back_leaves_nothing_to_send(employer, association_user, client):
    """The admin's refusal fails for an employer not awaiting verification: no e-mail for it."""
    active = EmployerFactory(contact_email="active@example.cn")
    client.force_login(association_user)
    client.post(
        reverse("admin:people_employer_changelist"),
        {"action": "refuse", "_selected_action": [active.pk], "apply": "1", "reason": REASON},
    )
    assert not NotificationLog.objects.exists()


def test_an_employer_without_any_address_gets_no_row(association_user):
    employer = EmployerFactory(pending=True, contact_email="")
    employer_verify(employer=employer, by=association_user)
    assert not NotificationLog.objects.exists()
