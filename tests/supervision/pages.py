"""Shared set-up of the supervision page tests: employers holding certificates in force (so they are in a
plan's population), inspectors, a plan drawn and its checks completed through the services."""

import datetime as dt

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.roles import Role
from supervision.models import Plan, PlanKind, checklist_items
from supervision.services import (
    check_complete,
    check_record,
    measure_add,
    plan_complete,
    plan_create,
    plan_draw,
)
from tests.factories import PersonFactory, RegistrationCertificateFactory, UserFactory

SEED = "0123456789abcdef0123456789abcdef"


def holders(n: int, *, prefix: str = "监督") -> list:
    """n certificates in force, each of its own employer, whose holders have known names."""
    return [
        RegistrationCertificateFactory(
            application__employer__name=f"{prefix}计量器具有限公司{i}",
            application__person=PersonFactory(name=f"王{prefix}{i}"),
        )
        for i in range(n)
    ]


def inspectors(n: int) -> list:
    return [
        UserFactory(username=f"insp{i}", first_name=f"检查员{i}", last_name="李", role=Role.INSPECTOR)
        for i in range(n)
    ]


def drawn_plan(
    bureau, pool, *, size: int = 2, kind: str = PlanKind.EMPLOYERS, title: str = "企业用证抽查"
) -> Plan:
    plan = plan_create(
        by=bureau,
        inspectors=pool,
        title=title,
        kind=kind,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        sample_size=size,
        inspectors_per_check=2,
        description="依据《计量法》开展的企业注册计量师注册证使用情况抽查。",
    )
    plan_draw(plan=plan, by=bureau, seed=SEED)
    plan.refresh_from_db()
    return plan


def complete_checks(plan: Plan, bureau, *, problem_at_first: bool = True) -> None:
    """Every check of `plan` completed by the bureau; the first one with a problem and a rectification
    order if `problem_at_first`."""
    for n, check in enumerate(plan.checks.order_by("position")):
        found = problem_at_first and n == 0
        findings = {item: {"found": False} for item, _label in checklist_items(PlanKind.EMPLOYERS)}
        if found:
            findings["affiliation"] = {"found": True, "note": "注册计量师不在本单位工作"}
        check_record(
            check=check, by=bureau, findings=findings, checked_on=timezone.localdate(), summary="现场检查"
        )
        check_complete(check=check, by=bureau)
        if found:
            measure_add(
                check=check,
                by=bureau,
                kind="rectification",
                description="限期整改",
                due_on=timezone.localdate() + dt.timedelta(days=30),
            )


def completed_plan(bureau, pool) -> Plan:
    plan = drawn_plan(bureau, pool)
    complete_checks(plan, bureau)
    return plan_complete(plan=plan, by=bureau, summary="抽查2家企业，1家发现挂靠问题，已责令整改。")


def shown(response, message: str) -> bool:
    """Whether `message` (an English msgid, already interpolated where it has placeholders) appears on
    the page as a Chinese reader sees it, translated or not yet."""
    with translation.override("zh-hans"):
        text = gettext(message)
    return escape(text) in response.content.decode()
