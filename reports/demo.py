"""The demo's yearly reports (a step of `python manage.py seed_demo`), written through the real services.

The report on last year went through the whole workflow: xiehui wrote it and submitted version 1, the
bureau (shiju) returned it with comments, xiehui corrected it and submitted version 2, which awaits the
bureau's answer. The report on this year is a draft with the written part begun: its figures are the
demo's live data. Idempotent: nothing is written when last year's report has a version.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from . import services

WORK_DONE = (
    "按照试点工作方案，协会受省市场监督管理局委托，承担企业注册计量师注册的受理、审查和发证工作。"
    "全年通过注册系统网上受理企业批量申请，严格执行受理5个工作日、审批10个工作日、发证5个工作日的时限要求；"
    "配合人才培养发展中心开展专业项目考核，组织企业开展继续教育登记。"
)
PROBLEMS = (
    "部分企业首次申报时材料不全，补正告知比例较高；个别申请人的资格证书与专业项目考核合格证明不对应；"
    "地市之间参与企业数量不均衡。"
)
SUGGESTIONS = (
    "建议在各地市开展申报培训，发布常见问题清单；优化材料模板，增加在线预审提示；"
    "加强与长三角地区的互认信息共享。"
)
RETURN_COMMENT = "请补充说明补正告知比例较高的原因及整改措施，并核对第三部分各地市在册人数。"


@transaction.atomic
def seed_reports(sender: object = None, **kwargs: object) -> str:
    """Write the demo's reports once; a one-line summary for the console. Takes a signal's arguments, so it
    can be connected to registry.signals.demo_seeded as it is."""
    today = timezone.localdate()
    last_year = today.year - 1
    report = services.annual_report_open(year=last_year)
    if report.versions.exists():
        return "Yearly reports: already seeded."
    users = {u.username: u for u in User.objects.filter(username__in=["xiehui", "shiju"])}
    staff, bureau = users["xiehui"], users["shiju"]
    report = services.report_text_update(
        report=report, by=staff, work_done=WORK_DONE, problems=PROBLEMS, suggestions=SUGGESTIONS
    )
    first = services.report_submit(report=report, by=staff, today=today)
    services.report_return(version=first, by=bureau, comment=RETURN_COMMENT)
    report = services.report_text_update(
        report=report,
        by=staff,
        problems=PROBLEMS
        + "补正比例较高的主要原因是企业对材料要求理解不一，协会已编制申报指南并在各地市开展培训。",
    )
    services.report_submit(report=report, by=staff, today=today)
    draft = services.annual_report_open(year=today.year)
    if not draft.work_done:
        services.report_text_update(
            report=draft, by=staff, work_done="（草稿）本年度注册工作情况，年度结束后补充完整。"
        )
    return (
        f"Yearly reports: {last_year} submitted (version 1 returned, version 2 awaiting the bureau); "
        f"{today.year} in draft."
    )
