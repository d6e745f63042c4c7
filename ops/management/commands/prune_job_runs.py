from django.core.management.base import BaseCommand

from ops.services import job_runs_prune


class Command(BaseCommand):
    help = "Delete job-run records older than REGISTRY_JOB_RUN_RETENTION_DAYS (the daily job does this too)."

    def handle(self, *args, **options):
        self.stdout.write(f"{job_runs_prune()} job-run records deleted")
