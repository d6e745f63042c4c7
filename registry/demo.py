"""A believable demo registry for a newcomer's first run (`python manage.py seed_demo`).

Everything is fictional (names, numbers, companies) but passes every validator. Seeding is idempotent: it
looks rows up by their natural keys (username, credit code, resident ID, certificate number), so running it
twice changes nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role, sync_roles
from common.changefeed import change_sequences_next
from exams.models import AssessmentSession, MetrologyProject
from exams.services import certificates_issue, result_record
from people.models import Employer, Level, Person, Prefecture, QualificationCertificate
from people.models.person import resident_id_digest
from people.validators import resident_id_check_character, uscc_check_character
from registry.materials import REQUIRED_MATERIALS
from registry.models import (
    Application,
    Batch,
    CertificateChange,
    CertificateChangeCounter,
    CertificateChangeKind,
    RegistrationCertificate,
)
from registry.models.certificate import certificate_number
from registry.services import applications as svc
from registry.services.audit import audit_record
from registry.services.batches import batch_submit
from registry.services.certificates import certificate_sequence_next
from registry.services.materials import material_attach

from .services.certificate_pdfs import certificates_pdf_ensure, certificates_pdf_reprint
from .services.decision_documents import decision_documents_ensure

DEMO_PASSWORD = "Demo@2026-HLJ"  # noqa: S105 - printed to the console and in the README on purpose


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role | None
    name: str
    employer_index: int | None = None


DEMO_USERS = [
    DemoUser("admin", None, "系统管理员"),
    DemoUser("xiehui", Role.ASSOCIATION, "协会受理员"),
    DemoUser("xiehui2", Role.ASSOCIATION, "协会审批员"),
    DemoUser("peixun", Role.TRAINING_CENTRE, "培训中心考务"),
    DemoUser("qiye", Role.ENTERPRISE, "企业经办人", employer_index=0),
    DemoUser("shiju", Role.BUREAU, "省局计量处"),
    DemoUser("zhuanjia", Role.INSPECTOR, "检查专家"),
    DemoUser("shenji", Role.AUDITOR, "安全审计员"),
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
    applications: dict[str, int] = field(default_factory=dict)


# What becomes of each demo person's application (by index in DEMO_PEOPLE): the path through the workflow.
DEMO_PATHS = {
    0: "issued",
    1: "approved",
    2: "accepted",
    3: "submitted",
    4: "corrections_requested",
    5: "draft",
    6: "not_accepted",
    7: "issued",
    8: "denied",
    9: "draft",  # works for the employer still pending verification
    10: "issued",
    11: "withdrawn",
}
# Metrology projects the demo people were assessed in and apply for (codes from the starter catalogue).
DEMO_PROJECT_CODES = ["12.01", "15.01", "04.01"]


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
        number = demo_resident_id(region, birth, serial)
        person, _ = Person.objects.get_or_create(
            id_digest=resident_id_digest(number),
            defaults={
                "id_number": number,
                "name": name,
                "phone": f"1390451{serial:04d}",
                "email": f"p{serial}@example.cn",
            },
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

    applications = _demo_applications(employers=employers)
    _demo_renewal_across_expiry(employer=employers[0])
    certificates_pdf_ensure()  # issued certificates get their PDFs now, not from a worker
    certificates_pdf_reprint()  # and the ones printed for another address (SITE_URL: `make run PORT=…`)
    decision_documents_ensure()  # and the written notices: accepted, not accepted, denied, corrections
    return DemoSummary(
        users=users, employers=len(employers), people=len(DEMO_PEOPLE), applications=applications
    )


def _demo_pdf() -> bytes:
    from io import BytesIO

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.drawString(72, 760, "Demo material (fictional)")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _demo_photo() -> bytes:
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (413, 579), (66, 120, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((126, 110, 286, 290), fill=(240, 210, 190))
    draw.rectangle((96, 320, 316, 579), fill=(40, 40, 60))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _demo_applications(*, employers: list[Employer]) -> dict[str, int]:
    """Applications in every state, each taken there by the real services (audit rows, deadlines)."""
    users = {u.username: u for u in User.objects.filter(username__in=["qiye", "xiehui", "xiehui2", "peixun"])}
    clerk, accepter, approver, centre = users["qiye"], users["xiehui"], users["xiehui2"], users["peixun"]
    projects = list(MetrologyProject.objects.filter(code__in=DEMO_PROJECT_CODES).order_by("code"))
    session, _ = AssessmentSession.objects.get_or_create(
        name="2026年第一期计量专业项目考核",
        defaults={"held_on": dt.date(2026, 9, 15), "place": "哈尔滨市南岗区学府路 人才培养发展中心"},
    )
    session.projects.add(*projects)
    pdf, photo = _demo_pdf(), _demo_photo()
    batches: dict[int, Batch] = {}
    created: list[tuple[Application, str]] = []
    for index, (_name, employer_index, birth, level) in enumerate(DEMO_PEOPLE):
        serial = 101 + index
        person = Person.objects.with_id_number(
            demo_resident_id(DEMO_EMPLOYERS[employer_index][2], birth, serial)
        ).get()
        if Application.objects.filter(person=person).exists():
            continue  # seeded before: running twice changes nothing
        mine = projects[: 1 + index % len(projects)]
        results = [
            result_record(
                session=session,
                person=person,
                project=p,
                skill_score=Decimal("82.5"),
                knowledge_score=Decimal("76"),
                by=centre,
            )
            for p in mine
        ]
        certificates_issue(results=results, by=centre, issued_on=dt.date(2026, 9, 30))
        employer = employers[employer_index]
        batch = batches.get(employer_index)
        if batch is None:
            batch, _ = Batch.objects.get_or_create(
                employer=employer, title="2026年第一批注册申请", defaults={"created_by": clerk}
            )
            batches[employer_index] = batch
        application = svc.application_create(
            kind=Application.Kind.INITIAL,
            person=person,
            employer=employer,
            level=level,
            by=clerk,
            projects=mine,
            batch=batch,
        )
        path = DEMO_PATHS[index]
        needs = REQUIRED_MATERIALS[application.kind]
        for kind, count in needs.items():
            if path == "draft" and kind == "photo":
                continue  # a draft still missing its photos, as clerks' drafts often are
            # One assessment certificate copy per project applied for, naming its project.
            each = [(n, None) for n in range(count)]
            if kind == "assessment_certificate":
                each = list(enumerate(mine))
            for n, project in each:
                content = photo if kind == "photo" else pdf
                suffix = "png" if kind == "photo" else "pdf"
                material_attach(
                    application=application,
                    kind=kind,
                    file=ContentFile(content, name=f"{kind}-{n + 1}.{suffix}"),
                    by=clerk,
                    project=project,
                )
        created.append((application, path))

    # The clerk submits each batch in one step, as the portal does: complete drafts go, the rest stay.
    for batch in batches.values():
        if batch.employer.can_submit:
            batch_submit(batch=batch, by=clerk, truthfulness_confirmed=True)
    for application, path in created:
        application.refresh_from_db()
        if path in {"draft", "submitted"}:
            continue
        if path == "withdrawn":
            svc.application_withdraw(application=application, by=clerk, reason="申请人岗位调整，暂不申请")
        elif path == "corrections_requested":
            svc.application_request_corrections(
                application=application,
                items=["photo"],
                note="照片背景不符合要求，请提供白色背景二寸免冠照片。",
                by=accepter,
            )
        elif path == "not_accepted":
            svc.application_not_accept(
                application=application,
                by=accepter,
                reason="申请人所在岗位不从事计量相关工作，不符合注册条件。",
            )
        else:
            application = svc.application_accept(application=application, by=accepter)
            if path == "denied":
                svc.application_deny(
                    application=application, by=approver, reason="资格证书信息与人社部门登记信息不一致。"
                )
            elif path in {"approved", "issued"}:
                application = svc.application_approve(application=application, by=approver)
                if path == "issued":
                    svc.application_issue(application=application, by=approver)
    _demo_change_of_employer(employers=employers, staff=accepter, approver=approver, pdf=pdf, photo=photo)
    counts: dict[str, int] = {}
    for state in Application.objects.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


# A holder whose certificate's printed end has passed while the renewal, applied for in time, is accepted
# and awaiting approval: still valid, "renewal being decided" (docs/decisions/0090).
DEMO_RENEWAL_HOLDER = ("郑立新", dt.date(1979, 4, 16), 201)


def _five_years_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 5)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 5, day=28)


def _demo_renewal_across_expiry(*, employer: Employer) -> None:
    """A renewal in progress across an expiry, relative to today: the certificate ended three days ago,
    the renewal was received two days before that and accepted the next day; staff can approve it now.

    The services date every act today, so this backdated history is written with the model's own
    transitions (which take the day) and audit rows, the way a paper file would be keyed in. Skipped when
    the holder already has applications: running twice changes nothing.
    """
    name, birth, serial = DEMO_RENEWAL_HOLDER
    number = demo_resident_id(DEMO_EMPLOYERS[0][2], birth, serial)
    person, _ = Person.objects.get_or_create(
        id_digest=resident_id_digest(number),
        defaults={"id_number": number, "name": name, "phone": f"1390451{serial:04d}"},
    )
    if Application.objects.filter(person=person).exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=["qiye", "xiehui", "xiehui2"])}
    clerk, accepter, approver = users["qiye"], users["xiehui"], users["xiehui2"]
    today = timezone.localdate()
    last_day = today - dt.timedelta(days=3)
    start = _five_years_before(last_day + dt.timedelta(days=1))
    received, accepted = last_day - dt.timedelta(days=2), last_day - dt.timedelta(days=1)
    projects = list(MetrologyProject.objects.filter(code__in=DEMO_PROJECT_CODES[:1]))

    initial = svc.application_create(
        kind=Application.Kind.INITIAL,
        person=person,
        employer=employer,
        level=Level.TWO,
        by=clerk,
        projects=projects,
    )
    _backdated(
        initial,
        ("submit", clerk, {"on": start}),
        ("accept", accepter, {"on": start, "user": accepter}),
        ("approve", approver, {"on": start}),
        ("issue", approver, {"on": start}),
    )
    sequence = certificate_sequence_next(year=start.year, level=Level.TWO)
    certificate = RegistrationCertificate.objects.create(
        number=certificate_number(year=start.year, level=Level.TWO, sequence=sequence),
        year=start.year,
        sequence=sequence,
        person=person,
        employer=employer,
        employer_name=employer.name,
        level=Level.TWO,
        issued_on=start,
        valid_from=start,
        valid_until=last_day,
        application=initial,
    )
    certificate.projects.set(projects)
    [change] = change_sequences_next(CertificateChangeCounter)
    CertificateChange.objects.create(
        sequence=change, certificate=certificate, kind=CertificateChangeKind.ISSUED
    )

    renewal = svc.application_create(
        kind=Application.Kind.RENEWAL,
        person=person,
        employer=employer,
        level=Level.TWO,
        by=clerk,
        target_certificate=certificate,
    )
    pdf = _demo_pdf()
    for kind, count in REQUIRED_MATERIALS[renewal.kind].items():
        for n in range(count):
            material_attach(
                application=renewal, kind=kind, file=ContentFile(pdf, name=f"{kind}-{n + 1}.pdf"), by=clerk
            )
    _backdated(
        renewal,
        ("submit", clerk, {"on": received}),
        ("accept", accepter, {"on": accepted, "user": accepter}),
    )


def _backdated(application: Application, *steps: tuple[str, User, dict]) -> None:
    """Take `application` through `steps` (transition, by whom, its arguments with the day), auditing each."""
    for transition, by, kwargs in steps:
        from_state = application.state
        getattr(application, transition)(**kwargs)
        application.save()
        audit_record(
            application=application,
            transition=transition,
            from_state=from_state,
            to_state=application.state,
            by=by,
        )


# The change of employer (变更执业单位) the demo shows: 黄海涛 (DEMO_PEOPLE index 7, registered through
# 齐齐哈尔重工量具) moves to 大庆龙华石化设备, which applies; the association issues the new certificate.
DEMO_MOVE_PERSON, DEMO_MOVE_TO = 7, 1


def _demo_change_of_employer(
    *, employers: list[Employer], staff: User, approver: User, pdf: bytes, photo: bytes
) -> None:
    """A completed change of employer, through the real services: the old certificate superseded, a new
    one for the new employer with the same expiry and projects, the old employer told. Runs once."""
    _name, employer_index, birth, _level = DEMO_PEOPLE[DEMO_MOVE_PERSON]
    region = DEMO_EMPLOYERS[employer_index][2]
    person = Person.objects.with_id_number(demo_resident_id(region, birth, 101 + DEMO_MOVE_PERSON)).first()
    if (
        person is None
        or Application.objects.filter(person=person, kind=Application.Kind.CHANGE_EMPLOYER).exists()
    ):
        return
    held = RegistrationCertificate.objects.filter(
        person=person, employer=employers[employer_index], state=RegistrationCertificate.State.VALID
    ).first()
    if held is None:
        return
    new_employer = employers[DEMO_MOVE_TO]
    batch, _ = Batch.objects.get_or_create(
        employer=new_employer, title="2026年变更执业单位申请", defaults={"created_by": staff}
    )
    application = svc.application_create(
        kind=Application.Kind.CHANGE_EMPLOYER,
        person=person,
        employer=new_employer,
        level=held.level,
        by=staff,
        target_certificate=held,
        batch=batch,
    )
    for kind, count in REQUIRED_MATERIALS[application.kind].items():
        for n in range(count):
            content, suffix = (photo, "png") if kind == "photo" else (pdf, "pdf")
            material_attach(
                application=application,
                kind=kind,
                file=ContentFile(content, name=f"{kind}-{n + 1}.{suffix}"),
                by=staff,
            )
    application = svc.application_submit(application=application, by=staff)
    application = svc.application_accept(application=application, by=staff)
    application = svc.application_approve(application=application, by=approver)
    svc.application_issue(application=application, by=approver)
