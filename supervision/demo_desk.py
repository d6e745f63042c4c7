"""The demo's supervision data (steps of `python manage.py seed_demo`), written through the real services
(audit rows, the role checks). It works on registry.demo's employers and users; the lead connects the
steps to registry.signals.demo_seeded in SupervisionConfig.ready (the plans are in supervision/demo.py).

`seed_visits_and_feedback`: 哈尔滨北方精密仪表 (the employer of the clerk qiye) requested an assistance visit
from the portal, the association (xiehui) planned it for today and recorded what the experts found and
advised; qiye sent feedback the association answered; someone sent feedback on the public form, not yet
answered. Idempotent: nothing is written when the demo's visit is on record.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from people.models import Employer
from registry.demo import demo_uscc
from supervision import services
from supervision.models import AssistanceVisit, FeedbackTopic, VisitTopic

DEMO_VISIT_NOTE = "我公司新建了压力计量标准，希望专家指导建标考核准备工作，并帮助完善计量器具管理制度。"


@transaction.atomic
def seed_visits_and_feedback(sender: object = None, **kwargs: object) -> str:
    """Write the demo's assistance visit and feedback once; a one-line summary for the console. Takes a
    signal's arguments, so it can be connected to registry.signals.demo_seeded as it is."""
    employer = Employer.objects.get(uscc=demo_uscc(0))
    if AssistanceVisit.objects.filter(employer=employer, request_note=DEMO_VISIT_NOTE).exists():
        return "Assistance visits and feedback: already seeded."
    users = {u.username: u for u in User.objects.filter(username__in=["qiye", "xiehui"])}
    clerk, staff = users["qiye"], users["xiehui"]
    visit = services.visit_request(
        employer=employer,
        by=clerk,
        topics=[VisitTopic.STANDARDS, VisitTopic.RULES],
        note=DEMO_VISIT_NOTE,
    )
    visit = services.visit_plan(
        visit=visit,
        by=staff,
        planned_on=timezone.localdate(),
        experts="张明（省计量科学研究院）\n李华（协会专家库）",
        topics=[VisitTopic.STANDARDS, VisitTopic.RULES, VisitTopic.INSTRUMENTS],
    )
    services.visit_record(
        visit=visit,
        by=staff,
        findings="压力标准装置的溯源证书齐全，但环境温湿度记录不完整；计量器具台账未按使用部门分类，"
        "部分在用压力表超过检定周期。",
        advice="补齐实验室温湿度监控记录；按使用部门重建计量器具台账并设置到期提醒；"
        "参照JJF 1033准备建标技术报告和重复性、稳定性考核记录。",
        follow_up="一个月后由协会电话回访，企业提交整改后的台账。",
    )
    feedback = services.feedback_submit(
        by=clerk,
        topic=FeedbackTopic.CONTINUING_EDUCATION,
        message="企业内部培训的学时能否按半天记4学时？希望在填报页面上说明折算标准。",
    )
    services.feedback_answer(
        feedback=feedback,
        by=staff,
        answer="可以。半天按4学时、全天按8学时记录；填报页面的说明已补充折算标准，谢谢您的建议。",
    )
    services.feedback_submit(
        topic=FeedbackTopic.REGISTRATION,
        message="个人能否直接申请注册，而不经过单位？",
        name="赵先生",
        contact="139 0000 0000",
    )
    return "Assistance visits and feedback: 1 visit done, 2 feedback (1 answered)."
