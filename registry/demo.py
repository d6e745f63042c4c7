"""A believable demo registry for a newcomer's first run (`python manage.py seed_demo`).

Everything is fictional (names, numbers, companies) but passes every validator. Seeding is idempotent: it
looks rows up by their natural keys (username, credit code, resident ID, certificate number), so running it
twice changes nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role, sync_roles

from .models import Employer, Level, Person, Prefecture, QualificationCertificate
from .services.certificate_pdfs import certificates_pdf_ensure
from .validators import resident_id_check_character, uscc_check_character

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - printed to the console and in the README on purpose


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role | None
    name: str
    employer_index: int | None = None


DEMO_USERS = [
    DemoUser("admin", None, "系统管理员"),
    DemoUser("xiehui", Role.ASSOCIATION, "协会审核员"),
    DemoUser("peixun", Role.TRAINING_CENTRE, "培训中心考务"),
    DemoUser("qiye", Role.ENTERPRISE, "企业经办人", employer_index=0),
    DemoUser("shiju", Role.BUREAU, "省局计量处"),
    DemoUser("zhuanjia", Role.INSPECTOR, "检查专家"),
]

# (name, prefecture, region code for the people employed there, status)
DEMO_EMPLOYERS = [
    ("哈尔滨北方精密仪表有限公司", Prefecture.HARBIN, "230103", Employer.Status.ACTIVE),
    ("大庆龙华石化设备有限公司", Prefecture.DAQING, "230602", Employer.Status.ACTIVE),
    ("齐齐哈尔重工量具有限公司", Prefecture.QIQIHAR, "230202", Employer.Status.ACTIVE),
    ("牡丹江林海造纸有限公司", Prefecture.MUDANJIANG, "231002", Employer.Status.PENDING),
    ("佳木斯三江电机有限公司", Prefecture.JIAMUSI, "230803", Employer.Status.ACTIVE),
]

DEMO_PEOPLE = [
    # (name, employer index, birth date, level of the qualification held)
    ("王建国", 0, dt.date(1978, 3, 12), Level.ONE),
    ("李秀英", 0, dt.date(1985, 7, 2), Level.TWO),
    ("张伟", 0, dt.date(1990, 11, 23), Level.TWO),
    ("刘喆", 0, dt.date(1988, 5, 5), Level.TWO),
    ("陈静", 1, dt.date(1982, 1, 30), Level.ONE),
    ("杨堃", 1, dt.date(1993, 9, 9), Level.TWO),
    ("赵丽", 1, dt.date(1987, 4, 18), Level.TWO),
    ("黄海涛", 2, dt.date(1975, 12, 1), Level.ONE),
    ("周敏", 2, dt.date(1991, 6, 15), Level.TWO),
    ("吴磊", 3, dt.date(1986, 8, 8), Level.TWO),
    ("徐红梅", 4, dt.date(1980, 2, 29), Level.ONE),
    ("孙志强", 4, dt.date(1994, 10, 10), Level.TWO),
]


def demo_uscc(index: int) -> str:
    first17 = f"91230{index + 1:03d}MA1D{index:04d}X"[:17]
    return first17 + uscc_check_character(first17)


def demo_resident_id(region: str, birth: dt.date, serial: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + resident_id_check_character(first17)


@dataclass
class DemoSummary:
    users: list[tuple[str, str]]
    employers: int
    people: int


@transaction.atomic
def demo_seed() -> DemoSummary:
    sync_roles()
    employers = []
    for i, (name, prefecture, _region, status) in enumerate(DEMO_EMPLOYERS):
        employer, _ = Employer.objects.get_or_create(
            uscc=demo_uscc(i),
            defaults={
                "name": name,
                "prefecture": prefecture,
                "address": f"黑龙江省{prefecture.label}示范路{i + 1}号",
                "contact_name": "赵经理",
                "contact_phone": f"0451-8{i + 1:03d}0000",
                "contact_email": f"hr{i + 1}@example.cn",
                "status": status,
            },
        )
        employers.append(employer)

    users = []
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "last_name": spec.name,
                "email": f"{spec.username}@example.cn",
                "is_superuser": spec.role is None,
                "is_staff": spec.role is None or spec.role in STAFF_ROLES,
                "employer": employers[spec.employer_index] if spec.employer_index is not None else None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if spec.role is not None:
            user.groups.add(Group.objects.get(name=spec.role))
        users.append((spec.username, str(spec.role.label) if spec.role else "superuser"))

    for serial, (name, employer_index, birth, level) in enumerate(DEMO_PEOPLE, start=101):
        region = DEMO_EMPLOYERS[employer_index][2]
        person, _ = Person.objects.get_or_create(
            id_number=demo_resident_id(region, birth, serial),
            defaults={"name": name, "phone": f"1390451{serial:04d}", "email": f"p{serial}@example.cn"},
        )
        QualificationCertificate.objects.get_or_create(
            number=f"ZJ{birth:%Y}{serial:06d}",
            defaults={
                "person": person,
                "level": level,
                "issued_on": dt.date(2019, 10, 20),
                "issuer": "人力资源社会保障部",
            },
        )

    certificates_pdf_ensure()  # issued certificates get their PDFs now, not from a worker
    return DemoSummary(users=users, employers=len(employers), people=len(DEMO_PEOPLE))
