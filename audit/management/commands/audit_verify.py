from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.retention import archive_verify
from audit.services import audit_chains_verify


class Command(BaseCommand):
    help = (
        "Check the hash chain of every audit table; exit 1 naming the first row that does not fit. "
        "With --archive FILE, check archive files written by audit_archive instead."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--archive", type=Path, nargs="+", help="JSON Lines files written by audit_archive"
        )

    def handle(self, *args, archive: list[Path] | None = None, **options) -> None:
        if archive:
            self._archives(archive)
            return
        broken = False
        for result in audit_chains_verify():
            if result.broken is None:
                self.stdout.write(result.message())
            else:
                broken = True
                self.stderr.write(result.message())
        if broken:
            raise CommandError(_("The audit trail has been tampered with or damaged."))

    def _archives(self, paths: list[Path]) -> None:
        broken = False
        for path in paths:
            try:
                check = archive_verify(path)
            except (OSError, ValueError, KeyError) as error:
                broken = True
                self.stderr.write(
                    _("%(file)s: not a readable archive (%(error)s)") % {"file": path, "error": error}
                )
                continue
            if check.broken is None:
                self.stdout.write(
                    _(
                        "%(file)s: chain intact, %(count)d events; it continues from %(first)s "
                        "and ends at %(last)s"
                    )
                    % {
                        "file": path,
                        "count": check.count,
                        "first": check.first_prev_hash,
                        "last": check.last_hash,
                    }
                )
            else:
                broken = True
                self.stderr.write(
                    _(
                        "%(file)s: event %(pk)s does not fit the chain; "
                        "the %(count)d events before it are intact"
                    )
                    % {"file": path, "pk": check.broken.pk, "count": check.count}
                )
        if broken:
            raise CommandError(_("An archive file has been tampered with or damaged."))
