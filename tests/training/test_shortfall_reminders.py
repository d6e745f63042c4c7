"""Shortfall reminders (issue 15): on 1 October and 1 December each employer with holders short for the
year is told who and by how much, once per employer and date; certificate-expiry reminders name the years
short of continuing education."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from registry import advisories
from registry.models import NotificationLog
from registry.services.reminders import reminders_send_certificate_expiry
from tests.factories import EmployerFactory, RegistrationCertificateFactory, UserFactory
from training.models import (
    Activity,
    ActivityKind,
    Participation,
    ParticipationState,
    ShortfallReminder,
    Subject,
)
from training.reminders import reminder_date_due, reminders_send_shortfall
from training.tasks import send_shortfall_reminders

pytestmark = pytest.mark.django_db
D = Decimal
OCTOBER_1 = dt.date(2026, 10, 1)


def at(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    )


def holder(employer, name: str):
    return RegistrationCertificateFactory(
        application__employer=employer,
        application__person__name=name,
        issued_on=dt.date(2024, 1, 1),
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2028, 12, 31),
    )


def hours(person, amount: str, *, ends=dt.date(2026, 6, 1), subject=Subject.PROFESSIONAL, state=None):
    activity = Activity.objects.create(
        title="计量培训",
        kind=ActivityKind.COURSE,
        organiser="省计量协会",
        starts_on=ends,
        ends_on=ends,
        place="哈尔滨",
        hours=D(amount),
        subject=subject,
    )
    Participation.objects.create(
        activity=activity, person=person, hours=D(amount), state=state or ParticipationState.CONFIRMED
    )


@pytest.fixture
def employers():
    short = EmployerFactory(name="哈尔滨量具厂", contact_email="hr@liangju.example.cn")
    UserFactory(employer=short, email="clerk@liangju.example.cn")
    fine = EmployerFactory(name="齐齐哈尔仪表厂", contact_email="hr@yibiao.example.cn")
    a, b, c = holder(short, "张三"), holder(short, "李四"), holder(fine, "王五")
    hours(a.person, "60")  # 30 short
    hours(a.person, "10", state=ParticipationState.RECORDED)  # awaiting: mentioned, not counted
    hours(b.person, "90")  # complies
    hours(c.person, "90")  # complies: its employer gets nothing
    return short, fine


def test_reminders_are_due_on_1_october_and_1_december_only():
    assert reminder_date_due(OCTOBER_1) == OCTOBER_1
    assert reminder_date_due(dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)
    assert reminder_date_due(dt.date(2026, 10, 3)) == OCTOBER_1  # catching up a missed run
    for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 8), dt.date(2026, 11, 30), dt.date(2026, 1, 1)):
        assert reminder_date_due(day) is None


def test_each_employer_with_short_holders_is_told_once_with_the_amounts(
    employers, django_capture_on_commit_callbacks
):
    short, _fine = employers
    # The e-mail is in the outbox with the record, delivered after commit (executed here).
    with at(OCTOBER_1), django_capture_on_commit_callbacks(execute=True):
        assert send_shortfall_reminders.delay().get() == 1
        assert send_shortfall_reminders.delay().get() == 0  # the task runs twice: nothing twice
        call_command("send_shortfall_reminders", stdout=io.StringIO())
    [reminder] = ShortfallReminder.objects.all()
    assert (reminder.employer, reminder.reminder_date, reminder.year, reminder.holders) == (
        short,
        OCTOBER_1,
        2026,
        1,
    )
    [message] = mail.outbox
    assert sorted(message.to) == ["clerk@liangju.example.cn", "hr@liangju.example.cn"]
    assert reminder.notification.status == NotificationLog.Status.SENT
    assert "张三" in message.body
    assert "李四" not in message.body  # complies
    assert "王五" not in message.body  # another employer's
    # 60 of 90 confirmed, 30 still needed, 10 awaiting confirmation
    line = next(line for line in message.body.splitlines() if "张三" in line)
    assert "60" in line
    assert "90" in line
    assert "30" in line
    assert "10" in line


def test_not_sent_on_other_dates(employers):
    for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 15), dt.date(2026, 11, 30)):
        with at(day):
            assert reminders_send_shortfall() == 0
    assert not ShortfallReminder.objects.exists()
    assert mail.outbox == []


def test_1_december_is_a_second_reminder_and_a_missed_day_is_caught_up(
    employers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_shortfall(today=dt.date(2026, 10, 2)) == 1  # 1 October's, a day late
        assert reminders_send_shortfall(today=dt.date(2026, 10, 3)) == 0
        assert reminders_send_shortfall(today=dt.date(2026, 12, 1)) == 1
    assert list(
        ShortfallReminder.objects.order_by("reminder_date").values_list("reminder_date", flat=True)
    ) == [
        OCTOBER_1,
        dt.date(2026, 12, 1),
    ]
    assert len(mail.outbox) == 2


def test_an_employer_without_an_address_is_recorded_not_retried(db):
    silent = EmployerFactory(contact_email="")
    holder(silent, "赵六")
    assert reminders_send_shortfall(today=OCTOBER_1) == 1
    assert ShortfallReminder.objects.get(employer=silent).notification is None
    assert reminders_send_shortfall(today=OCTOBER_1) == 0


def test_the_expiry_reminder_names_the_years_short_of_continuing_education():
    employer = EmployerFactory(contact_email="hr@example.cn")
    today = dt.date(2026, 10, 12)
    certificate = RegistrationCertificateFactory(
        application__employer=employer,
        issued_on=dt.date(2022, 1, 1),
        valid_from=dt.date(2022, 1, 1),
        valid_until=today + dt.timedelta(days=60),
    )
    for year in (2022, 2023, 2025):
        hours(certificate.person, "90", ends=dt.date(year, 5, 1))
    hours(certificate.person, "50", ends=dt.date(2026, 5, 1))
    reminders_send_certificate_expiry(today=today)
    [message] = [m for m in mail.outbox if m.to == ["hr@example.cn"]]
    short_lines = [line for line in message.body.splitlines() if line.startswith("- ")]
    assert [line for line in short_lines if "2024" in line]  # no hours at all
    assert [line for line in short_lines if "2026" in line and "50" in line]  # 50 so far
    assert not [line for line in short_lines if "2022" in line or "2023" in line or "2025" in line]


def test_the_expiry_reminder_without_the_ledger_says_nothing_of_it(monkeypatch):
    monkeypatch.setattr(advisories, "_PROVIDERS", {})
    employer = EmployerFactory(contact_email="hr@example.cn")
    today = dt.date(2026, 10, 12)
    RegistrationCertificateFactory(
        application__employer=employer,
        issued_on=dt.date(2022, 1, 1),
        valid_from=dt.date(2022, 1, 1),
        valid_until=today + dt.timedelta(days=60),
    )
    reminders_send_certificate_expiry(today=today)
    [message] = [m for m in mail.outbox if m.to == ["hr@example.cn"]]
    assert not [line for line in message.body.splitlines() if line.startswith("- ")]
