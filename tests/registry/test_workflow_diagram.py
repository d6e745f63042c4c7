from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from registry.workflow import transition_graph


def test_docs_workflow_md_is_up_to_date():
    """Regenerate with: python manage.py workflow_diagram > docs/workflow.md"""
    out = StringIO()
    call_command("workflow_diagram", stdout=out)
    assert (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8") == out.getvalue()


def test_the_diagram_draws_every_arrow():
    out = StringIO()
    call_command("workflow_diagram", stdout=out)
    for source, name, target in transition_graph():
        assert f"{source} --> {target} : " in out.getvalue()
        assert f"({name}, " in out.getvalue()


def test_the_diagram_says_who_performs_each_transition():
    """The pilot plan's division of the work: the employer submits, resubmits and withdraws (由所在单位统一
    提出); the association accepts, asks for corrections, decides and issues; the law deems acceptance and
    ends certificates when an application is issued or the validity runs out."""
    out = StringIO()
    call_command("workflow_diagram", stdout=out)
    lines = out.getvalue().splitlines()
    actors = {
        line.split("(")[-1].split(", ")[0]: line.rsplit(", ", 1)[-1].rstrip(")")
        for line in lines
        if " --> " in line and "[*]" not in line
    }
    assert actors == {
        "submit": "企业",
        "resubmit": "企业",
        "withdraw": "企业",
        "accept": "计量协会",
        "request_corrections": "计量协会",
        "not_accept": "计量协会",
        "approve": "计量协会",
        "deny": "计量协会",
        "issue": "计量协会",
        "revoke": "计量协会",
        "lapse": "计量协会",
        "suspend": "计量协会",
        "reinstate": "计量协会",
        "deem_accept": "系统",
        "supersede": "系统",
        "cancel": "系统",
        "expire": "系统",
    }
