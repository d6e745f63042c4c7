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
        assert f"({name})" in out.getvalue()
