"""The demo's year of continuing education (a step of `python manage.py seed_demo`).

registry's `seed_demo` cannot import this app (training sits above registry, docs/decisions/0080): the call
upward is a signal. The command sends `registry.signals.demo_seeded` after the registry's own demo;
training connects `demo_seeded_receiver` in its AppConfig.ready. It works on registry.demo's people.

This year's activities, taken through the real services (audit rows, the staff check, decisions):

- three the association or an industry body ran, recorded by association staff (xiehui), and two
  哈尔滨北方精密仪表 ran itself, recorded by its clerk (qiye) in the portal;
- 郑立新 (registered most of the year) and 徐红梅 comply; 王建国's hours await confirmation, so he is
  short; 黄海涛 has the hours but too few professional ones, so he is short on the two-thirds share;
  徐红梅's academic-conference hours were rejected with a reason.

Idempotent: nothing is written when the first demo activity is already on record. Dates are this year's,
never after today (the demo runs any day of the year).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from people.models import Employer, Person
from registry.demo import DEMO_EMPLOYERS, DEMO_PEOPLE, DEMO_RENEWAL_HOLDER, demo_resident_id, demo_uscc

from . import services
from .models import Activity, ActivityKind, Participation, ParticipationState, Subject

S = ParticipationState


@dataclass(frozen=True)
class DemoActivity:
    key: str
    title: str
    kind: str
    organiser: str
    starts: tuple[int, int]  # (month, day) of this year
    ends: tuple[int, int] | None  # None: today
    hours: str
    subject: str
    place: str  # "" = online
    employer_index: int | None  # whose clerk recorded it; None: association staff


DEMO_ACTIVITIES = [
    DemoActivity(
        "laws",
        "计量法律法规及技术规范宣贯培训班",
        ActivityKind.COURSE,
        "黑龙江省计量协会",
        (3, 16),
        (3, 18),
        "24",
        Subject.PROFESSIONAL,
        "哈尔滨市南岗区学府路 人才培养发展中心",
        None,
    ),
    DemoActivity(
        "public",
        "专业技术人员公需科目网络培训",
        ActivityKind.DISTANCE,
        "黑龙江省市场监督管理人才培养发展中心",
        (6, 1),
        (7, 31),
        "30",
        Subject.GENERAL,
        "",
        None,
    ),
    DemoActivity(
        "conference",
        "全省计量测试技术学术交流会",
        ActivityKind.ACADEMIC,
        "黑龙江省计量测试学会",
        (9, 10),
        (9, 11),
        "16",
        Subject.PROFESSIONAL,
        "大庆市让胡路区 会议中心",
        None,
    ),
    DemoActivity(
        "practice",
        "压力仪表检定规程实操训练",
        ActivityKind.PRACTICE,
        "哈尔滨北方精密仪表有限公司",
        (10, 20),
        (10, 24),
        "32",
        Subject.PROFESSIONAL,
        "哈尔滨北方精密仪表有限公司计量室",
        0,
    ),
    DemoActivity(
        "lecture",
        "计量标准考核规范专题讲座",
        ActivityKind.ACADEMIC,
        "哈尔滨北方精密仪表有限公司",
        (11, 27),
        None,
        "8",
        Subject.PROFESSIONAL,
        "哈尔滨北方精密仪表有限公司会议室",
        0,
    ),
]

# (person, activity key, hours, what became of it). People by their name in registry.demo.
WANG, HUANG, XU = "王建国", "黄海涛", "徐红梅"
ZHENG = DEMO_RENEWAL_HOLDER[0]
DEMO_ENTRIES = [
    (ZHENG, "laws", "24", S.CONFIRMED),
    (HUANG, "laws", "24", S.CONFIRMED),
    (XU, "laws", "24", S.CONFIRMED),
    (ZHENG, "public", "30", S.CONFIRMED),
    (HUANG, "public", "30", S.CONFIRMED),
    (ZHENG, "conference", "16", S.CONFIRMED),
    (XU, "conference", "16", S.REJECTED),
    (ZHENG, "practice", "32", S.CONFIRMED),
    (ZHENG, "lecture", "8", S.RECORDED),
    (WANG, "lecture", "8", S.RECORDED),
]
DEMO_REJECTION_REASON = "参会签到表中无该人员签到记录，请补充参会证明后重新报送。"


def _demo_people() -> dict[str, Person]:
    people = {}
    for serial, (name, employer_index, birth, _level) in enumerate(DEMO_PEOPLE, start=101):
        if name in (WANG, HUANG, XU):
            number = demo_resident_id(DEMO_EMPLOYERS[employer_index][2], birth, serial)
            people[name] = Person.objects.with_id_number(number).get()
    name, birth, serial = DEMO_RENEWAL_HOLDER
    people[name] = Person.objects.with_id_number(demo_resident_id(DEMO_EMPLOYERS[0][2], birth, serial)).get()
    return people


def _day(today: dt.date, month_day: tuple[int, int] | None) -> dt.date:
    return today if month_day is None else min(dt.date(today.year, *month_day), today)


def _attendance_certificate() -> bytes:
    """A one-page PDF standing for a scanned certificate of attendance."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.drawString(72, 760, "Demo certificate of attendance (fictional)")
    page.showPage()
    page.save()
    return buffer.getvalue()


@transaction.atomic
def training_demo_seed() -> str:
    """Write the demo's year of continuing education once; a one-line summary for the console."""
    if Activity.objects.filter(
        title=DEMO_ACTIVITIES[0].title, organiser=DEMO_ACTIVITIES[0].organiser
    ).exists():
        return "Continuing education: already seeded."
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=["qiye", "xiehui", "xiehui2"])}
    clerk, staff, decider = users["qiye"], users["xiehui"], users["xiehui2"]
    employers = {0: Employer.objects.get(uscc=demo_uscc(0))}
    people = _demo_people()
    activities: dict[str, Activity] = {}
    for spec in DEMO_ACTIVITIES:
        employer = employers[spec.employer_index] if spec.employer_index is not None else None
        ends = _day(today, spec.ends)
        activities[spec.key] = services.activity_record(
            data=services.ActivityData(
                title=spec.title,
                kind=spec.kind,
                organiser=spec.organiser,
                starts_on=min(_day(today, spec.starts), ends),
                ends_on=ends,
                hours=Decimal(spec.hours),
                subject=spec.subject,
                online=not spec.place,
                place=spec.place,
            ),
            by=clerk if employer else staff,
            employer=employer,
        )
    pdf = _attendance_certificate()
    recorded: list[tuple[Participation, str]] = []
    for key, activity in activities.items():
        mine = [(name, hours, state) for name, k, hours, state in DEMO_ENTRIES if k == key]
        entries = [
            services.Entry(
                people[name],
                Decimal(hours),
                ContentFile(pdf, name=f"attendance-{key}.pdf") if activity.employer_id else None,
            )
            for name, hours, _state in mine
        ]
        employer = employers[0] if activity.employer_id else None
        created = services.participations_record(
            activity=activity, entries=entries, by=clerk if employer else staff, employer=employer
        )
        recorded.extend((p, state) for p, (_n, _h, state) in zip(created, mine, strict=True))
    for participation, state in recorded:
        if state == S.CONFIRMED:
            services.participation_confirm(participation=participation, by=decider)
        elif state == S.REJECTED:
            services.participation_reject(
                participation=participation, by=decider, reason=DEMO_REJECTION_REASON
            )
    states = [state for _p, state in recorded]
    return (
        f"Continuing education: {len(activities)} activities, {len(recorded)} entries "
        f"({states.count(S.CONFIRMED)} confirmed, {states.count(S.RECORDED)} awaiting confirmation, "
        f"{states.count(S.REJECTED)} rejected)."
    )


def demo_seeded_receiver(sender, **kwargs) -> str:
    """Receiver of registry.signals.demo_seeded (connected in TrainingConfig.ready)."""
    return training_demo_seed()
