"""Shared set-up of the admin tests: activities, holders and entries through the services."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook

from tests.factories import EmployerFactory, RegistrationCertificateFactory, UserFactory
from training import services
from training.models import Activity, ActivityKind, Subject

D = Decimal


def activity(
    *, hours="30", subject=Subject.PROFESSIONAL, ends_on=dt.date(2026, 6, 30), employer=None, title="建标培训"
) -> Activity:
    return services.activity_record(
        data=services.ActivityData(
            title=title,
            kind=ActivityKind.COURSE,
            organiser="省计量协会",
            starts_on=ends_on - dt.timedelta(days=2),
            ends_on=ends_on,
            hours=D(hours),
            subject=subject,
            place="哈尔滨",
        ),
        by=UserFactory(),
        employer=employer,
    )


def holder(employer=None, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2029, 12, 31)):
    """A registration certificate in force through 2025–2029 (its .person, its .employer)."""
    return RegistrationCertificateFactory(
        application__employer=employer or EmployerFactory(),
        issued_on=valid_from,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def entries(of_activity: Activity, people, hours="30", employer=None):
    return services.participations_record(
        activity=of_activity,
        entries=[services.Entry(p, D(hours)) for p in people],
        by=UserFactory(),
        employer=employer,
    )


def xlsx(rows, headers=("姓名", "公民身份号码", "学时")) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "attendance.xlsx"
    return out
