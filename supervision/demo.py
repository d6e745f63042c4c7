"""The demo's spot checks (a step of `python manage.py seed_demo`).

registry's `seed_demo` cannot import this app (supervision sits above registry, docs/decisions/0080): the
call upward is the signal `registry.signals.demo_seeded`, connected in SupervisionConfig.ready(). It works
on registry.demo's employers and people, after training's demo (training comes first in INSTALLED_APPS).

Everything goes through the real services (audit rows, the stored draw, the registry's workflow):

- inspectors: registry.demo's `zhuanjia`, and `zhuanjia2`, `zhuanjia3` made here with the demo password
  (each check needs two inspectors, and a declared conflict needs a third to draw around it);
- `zhuanjia3` declared a link with 哈尔滨北方精密仪表, so the draw never sends them there;
- a completed plan of the employers holding registrations, drawn by the bureau (`shiju`) with a fixed
  seed: at 佳木斯三江电机 the inspectors found nominal affiliation (挂靠) of 徐红梅's certificate, ordered a
  rectification and a revocation, and the association (`xiehui`) carried the revocation out through the
  registry's workflow; the other employers had no problem;
- a drawn plan of the association's decided applications, its checks open and assigned to `zhuanjia`;
- a draft plan of the training centre's assessments.

Idempotent: nothing is written when the completed demo plan is already on record. Dates are this year's,
never after today.
"""

import datetime as dt

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from people.models import Employer
from registry.demo import DEMO_EMPLOYERS, DEMO_PASSWORD, demo_uscc
from registry.models import RegistrationCertificate
from registry.workflow import CertificateState

from . import services
from .models import Check, Measure, MeasureKind, Plan, PlanKind, checklist_items
from .models.checks import EmployerItem
from .services.checks import FindingInput

DEMO_INSPECTORS = [("zhuanjia2", "检查专家二"), ("zhuanjia3", "检查专家三")]
DEMO_COMPLETED_TITLE = "{year}年度注册计量师注册证使用情况“双随机、一公开”抽查"
DEMO_DRAWN_TITLE = "{year}年度计量协会注册受理工作抽查"
DEMO_DRAFT_TITLE = "{year}年度专业项目考核工作抽查（草案）"
DEMO_SEEDS = ("2026d3e00000000000000000000000a1", "2026d3e00000000000000000000000a2")  # hex, as seed_new()
DEMO_PROBLEM_EMPLOYER = 4  # 佳木斯三江电机: its holder's certificate is found nominally affiliated
DEMO_CONFLICT = ("zhuanjia3", 0, "曾在该公司计量室任职（2019—2022年）")
DEMO_FINDING_NOTE = (
    "该公司注册计量师徐红梅实际在外地另一单位全职工作，本公司仅挂名使用其注册证，"
    "未见其参与本公司检定、校准工作的记录。"
)
DEMO_RECTIFICATION = "立即停止以挂靠方式使用注册计量师注册证，配备实际在岗的注册计量师，并报送整改报告。"
DEMO_REVOCATION = "注册证被用于挂靠，依据试点方案撤销其注册。"
DEMO_SUMMARY = "本次抽查企业3家，发现问题1家（注册证挂靠），已责令整改并撤销相关注册；其余企业未发现问题。"


def _inspectors() -> dict[str, User]:
    """registry.demo's `zhuanjia` and the two more the draws need, made once with the demo password."""
    group = Group.objects.get(name=Role.INSPECTOR)
    for username, name in DEMO_INSPECTORS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"last_name": name, "email": f"{username}@example.cn"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(group)
    names = ["zhuanjia", *(username for username, _name in DEMO_INSPECTORS)]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _employer(index: int) -> Employer:
    return Employer.objects.get(uscc=demo_uscc(index))


def _record_no_problem(check: Check, by: User, on: dt.date) -> None:
    findings: dict[str, FindingInput] = {
        item: {"found": False, "note": ""} for item, _label in checklist_items(check.kind)
    }
    services.check_record(check=check, by=by, findings=findings, checked_on=on, summary="未发现问题。")
    services.check_complete(check=check, by=by)


def _record_affiliation(check: Check, by: User, on: dt.date, certificate: RegistrationCertificate) -> None:
    findings: dict[str, FindingInput] = {
        item: {"found": False, "note": ""} for item, _label in checklist_items(check.kind)
    }
    findings[EmployerItem.AFFILIATION] = {
        "found": True,
        "note": DEMO_FINDING_NOTE,
        "certificate": certificate,
    }
    services.check_record(
        check=check, by=by, findings=findings, checked_on=on, summary="发现注册证挂靠问题1项。"
    )
    services.check_complete(check=check, by=by)


def _completed_employer_plan(
    *, bureau: User, association: User, inspectors: dict[str, User], today: dt.date
) -> Plan:
    plan = services.plan_create(
        by=bureau,
        inspectors=list(inspectors.values()),
        title=DEMO_COMPLETED_TITLE.format(year=today.year),
        kind=PlanKind.EMPLOYERS,
        period_start=today.replace(month=1, day=1),
        period_end=today,
        sample_percent=100,
        inspectors_per_check=2,
        description="依据注册计量师制度改革试点方案，随机抽取持有注册证的企业，检查注册证使用情况。",
    )
    checks = services.plan_draw(plan=plan, by=bureau, seed=DEMO_SEEDS[0])
    problem_employer = _employer(DEMO_PROBLEM_EMPLOYER)
    for check in checks:
        recorder = check.inspectors.order_by("username")[0]
        if check.employer_id != problem_employer.pk:
            _record_no_problem(check, recorder, today)
            continue
        certificate = RegistrationCertificate.objects.filter(
            employer=problem_employer, state=CertificateState.VALID
        ).order_by("number")[0]
        _record_affiliation(check, recorder, today, certificate)
        services.measure_add(
            check=check,
            by=recorder,
            kind=MeasureKind.RECTIFICATION,
            description=DEMO_RECTIFICATION,
            due_on=today + dt.timedelta(days=30),
        )
        revocation = services.measure_add(
            check=check,
            by=recorder,
            kind=MeasureKind.REVOCATION,
            description=DEMO_REVOCATION,
            certificate=certificate,
        )
        services.measure_carry_out(measure=revocation, by=association)
    return services.plan_complete(plan=plan, by=bureau, summary=DEMO_SUMMARY)


@transaction.atomic
def seed_plans() -> str:
    """Write the demo's spot checks once; a one-line summary for the console."""
    today = timezone.localdate()
    if Plan.objects.filter(title=DEMO_COMPLETED_TITLE.format(year=today.year)).exists():
        return "Supervision: already seeded."
    users = {u.username: u for u in User.objects.filter(username__in=["shiju", "xiehui"])}
    bureau, association = users["shiju"], users["xiehui"]
    inspectors = _inspectors()
    name, employer_index, note = DEMO_CONFLICT
    services.conflict_declare(
        inspector=inspectors[name], employer=_employer(employer_index), note=note, by=inspectors[name]
    )
    completed = _completed_employer_plan(
        bureau=bureau, association=association, inspectors=inspectors, today=today
    )
    drawn = services.plan_create(
        by=bureau,
        inspectors=[inspectors["zhuanjia"], inspectors["zhuanjia2"]],
        title=DEMO_DRAWN_TITLE.format(year=today.year),
        kind=PlanKind.APPLICATIONS,
        period_start=today.replace(month=1, day=1),
        period_end=today,
        sample_size=2,
        inspectors_per_check=2,
        description="随机抽取本年度已作出决定的注册申请，检查受理、审批时限及材料、决定依据。",
    )
    open_checks = services.plan_draw(plan=drawn, by=bureau, seed=DEMO_SEEDS[1])
    services.plan_create(
        by=bureau,
        inspectors=list(inspectors.values()),
        title=DEMO_DRAFT_TITLE.format(year=today.year),
        kind=PlanKind.ASSESSMENTS,
        period_start=today.replace(month=1, day=1),
        period_end=today,
        sample_percent=20,
        inspectors_per_check=2,
        description="随机抽取本年度专业项目考核成绩，检查考核设备、环境条件及记录。",
    )
    problems = completed.checks.filter(result="problems").count()
    done = Measure.objects.filter(check_row__plan=completed, state="done").count()
    return (
        f"Supervision: a completed plan of {completed.checks.count()} employers ({problems} with problems, "
        f"{done} certificate measure carried out), a drawn plan with {len(open_checks)} open checks, "
        f"a draft plan; inspectors zhuanjia, zhuanjia2, zhuanjia3 (password {DEMO_PASSWORD}); "
        f"{DEMO_EMPLOYERS[DEMO_PROBLEM_EMPLOYER][0]} was found with a nominally affiliated certificate."
    )


def demo_seeded_receiver(sender, **kwargs) -> str:
    """Receiver of registry.signals.demo_seeded (connected in SupervisionConfig.ready)."""
    return seed_plans()
