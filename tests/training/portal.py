"""Shared set-up of the portal's continuing-education tests: a clerk, holders, activities, a fixed day."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.base import ContentFile

from accounts.roles import Role
from tests.factories import EmployerFactory, PersonFactory, RegistrationCertificateFactory, UserFactory
from tests.portal_files import pdf_bytes as make_pdf
from training import services
from training.models import ActivityKind, Subject

TODAY = dt.date(2026, 11, 20)  # the `today` fixture (tests/training/conftest.py) freezes the clock here
D = Decimal


def clerk_of(employer=None, **employer_traits):
    employer = employer or EmployerFactory(**employer_traits)
    return UserFactory(role=Role.ENTERPRISE, employer=employer)


def holder(employer, *, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2029, 12, 31), **person):
    application = {"application__person": PersonFactory(**person)} if person else {}
    return RegistrationCertificateFactory(
        application__employer=employer,
        issued_on=valid_from,
        valid_from=valid_from,
        valid_until=valid_until,
        **application,
    )


def activity(employer, *, hours="30", subject=Subject.PROFESSIONAL, ends_on=dt.date(2026, 6, 30), **extra):
    return services.activity_record(
        data=services.ActivityData(
            title=extra.pop("title", "计量标准建标培训"),
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
        **extra,
    )


def record(activity, employer, people_hours, *, evidence=False):
    return services.participations_record(
        activity=activity,
        entries=[
            services.Entry(person, D(hours), ContentFile(pdf_bytes(), name="证明.pdf") if evidence else None)
            for person, hours in people_hours
        ],
        by=UserFactory(),
        employer=employer,
    )


def pdf_bytes() -> bytes:
    return make_pdf("certificate of attendance")


def xlsx(rows: list[list], header=("姓名", "公民身份号码", "学时")) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
