from django.core.management.base import BaseCommand

from registry.diagram import workflow_markdown


class Command(BaseCommand):
    help = "Print the workflow as Markdown with Mermaid state diagrams (redirect to docs/workflow.md)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(workflow_markdown(), ending="")
