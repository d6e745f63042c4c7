"""Reminders and notifications: the staff digest, the employer's e-mails, expiry reminders; each once."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.roles import Role
from registry import sms
from registry.models import NotificationLog
from registry.services import applications as services
from registry.services.reminders import applications_digest, reminders_send_certificate_expiry
from registry.tasks import send_expiry_reminders, send_staff_digest
from tests.factories import ApplicationFactory, RegistrationCertificateFactory, UserFactory
from tests.registry.conftest import MONDAY
from workdays.working_days import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _due(on: dt.date, **kwargs):
    return ApplicationFactory(submitted=True, current_due_on=on, acceptance_due_on=on, **kwargs)


def test_the_digest_has_three_sections_one_query_each(monday, workday_calendar, django_assert_num_queries):
    today = _due(MONDAY, person__name="今天到期")
    soon = _due(add_working_days(MONDAY, 2), person__name="两日内到期")
    _due(add_working_days(MONDAY, 3), person__name="稍后到期")
    late = _due(MONDAY - dt.timedelta(days=1), person__name="已经超期")
    ApplicationFactory(issued=True, current_due_on=MONDAY)  # closed: never in the digest
    with django_assert_num_queries(3):
        digest = applications_digest(on=MONDAY)
    assert (digest.due_today, digest.due_soon, digest.overdue) == ([today], [soon], [late])


def test_staff_get_the_digest_once_a_day_in_chinese(monday):
    UserFactory(role=Role.ASSOCIATION, email="a@example.cn")
    UserFactory(role=Role.ASSOCIATION, email="")  # no address: skipped
    UserFactory(role=Role.ENTERPRISE, email="clerk@example.cn")  # not staff
    _due(MONDAY - dt.timedelta(days=3), person__name="超期者")
    send_staff_digest.delay()
    send_staff_digest.delay()
    call_command("send_staff_digest", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["a@example.cn"]]
    body = mail.outbox[0].body
    assert "超期者" in body
    assert "已超期 (1)" in body


def test_no_digest_when_nothing_is_due(monday):
    UserFactory(role=Role.ASSOCIATION, email="a@example.cn")
    assert send_staff_digest.delay().get() == 0
    assert mail.outbox == []


def test_every_transition_emails_the_employer_once(
    monday, association_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(submitted=True, employer__contact_email="hr@example.cn")
    UserFactory(role=Role.ENTERPRISE, employer=application.employer, email="clerk@example.cn")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.application_accept(application=application, by=association_user)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hr@example.cn", "clerk@example.cn"]
    assert "已受理" in message.subject
    assert application.person.id_number not in message.body
    callbacks[0]()  # the hook runs again (a redelivered task): nothing new is sent
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(key__endswith=":employer", status="sent").count() == 1


def test_the_correction_notice_lists_every_material_and_the_note(
    monday, association_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(submitted=True, employer__contact_email="hr@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_request_corrections(
            application=application,
            items=["photo", "application_form"],
            note="照片须为白底",
            by=association_user,
        )
    body = mail.outbox[0].body
    assert "- 2寸免冠照片" in body
    assert "- 注册申请表" in body
    assert "照片须为白底" in body
    assert "一次性" in body


def test_expiry_reminders_go_out_90_and_30_days_ahead_each_once(monday):
    c90 = RegistrationCertificateFactory(
        valid_until=MONDAY + dt.timedelta(days=80), application__employer__contact_email="hr@example.cn"
    )
    c30 = RegistrationCertificateFactory(valid_until=MONDAY + dt.timedelta(days=20))
    RegistrationCertificateFactory(valid_until=MONDAY + dt.timedelta(days=200))  # not yet
    send_expiry_reminders.delay()
    send_expiry_reminders.delay()
    call_command("send_expiry_reminders", stdout=io.StringIO())
    keys = sorted(NotificationLog.objects.values_list("key", flat=True))
    assert f"certificate:{c90.pk}:expiry-90:employer" in keys
    assert f"certificate:{c30.pk}:expiry-30:holder-sms" in keys
    assert not any(f"certificate:{c30.pk}:expiry-90" in k for k in keys)
    assert len(mail.outbox) == len([k for k in keys if not k.endswith("-sms")])
    assert len(sms.outbox) == 2
    # 60 days on, the first certificate enters the 30-day window: one more reminder for it only.
    before = len(mail.outbox)
    reminders_send_certificate_expiry(today=MONDAY + dt.timedelta(days=60))
    new = mail.outbox[before:]
    assert len(new) == 1 + bool(c90.person.email)  # the employer (and the holder, if an address)
    assert all(c90.number in m.subject for m in new)
    assert c90.person.id_number not in "".join(m.body for m in mail.outbox)


def test_deemed_acceptance_runs_as_a_task(monday):
    late = ApplicationFactory(
        submitted=True,
        acceptance_due_on=MONDAY - dt.timedelta(days=1),
        received_on=MONDAY - dt.timedelta(days=9),
    )
    from registry.tasks import apply_deemed_acceptance

    assert apply_deemed_acceptance.delay().get() == 1
    late.refresh_from_db()
    assert late.state == "accepted"
    assert late.deemed_accepted


def test_the_beat_schedule_covers_every_periodic_job(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "registry.expire_certificates",
        "registry.apply_deemed_acceptance",
        "registry.send_staff_digest",
        "registry.send_expiry_reminders",
        "registry.sweep_certificate_pdfs",
        "registry.sweep_decision_documents",
        "registry.deliver_notifications",
        "audit.verify_chains",
        "training.send_shortfall_reminders",
        "reports.send_report_reminders",
        "ops.heartbeat",  # ops/: worker and beat liveness for /readyz
        "ops.prune_job_runs",
    }
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
