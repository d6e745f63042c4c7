import argparse
import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.retention import audit_archive, retention_days


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Move audit events older than REGISTRY_AUDIT_RETENTION_DAYS to a JSON Lines file (with their chain "
        "values) and remove them from the table. Never touches events within the retention period."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--before",
            type=iso_date,
            help="archive only events before this date (YYYY-MM-DD), outside the retention period",
        )
        parser.add_argument(
            "--directory", type=Path, help="where to write the file (default REGISTRY_AUDIT_ARCHIVE_DIR)"
        )

    def handle(self, *args, before: dt.date | None, directory: Path | None, **options) -> None:
        start = None
        if before is not None:
            start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
        try:
            result = audit_archive(before=start, directory=directory)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if not result.count:
            self.stdout.write(
                _("No audit events older than %(days)d days: nothing to archive.")
                % {"days": retention_days()}
            )
            return
        self.stdout.write(
            _(
                "Archived %(count)d audit events (%(first)d–%(last)d) to %(path)s, SHA-256 %(sha256)s. "
                "The remaining chain continues from hash %(hash)s."
            )
            % {
                "count": result.count,
                "first": result.first_id,
                "last": result.last_id,
                "path": result.path,
                "sha256": result.sha256,
                "hash": result.last_hash,
            }
        )
