import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.stored_files import inventory_read, stored_files, stored_files_verify

_SHOWN = 20  # problem files named one by one; beyond that, only counted


class Command(BaseCommand):
    help = (
        "List every stored file the database names (all FileFields of all models) with its SHA-256, one "
        "tab-separated line each: sha256, size, name, model field, row id. With --verify INVENTORY, check "
        "instead that every named file exists and equals the inventory's checksum; exit 1 if not."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, help="write the inventory to this file, not to stdout")
        parser.add_argument("--verify", type=Path, metavar="INVENTORY", help="an inventory written earlier")

    def handle(self, *args, output: Path | None = None, verify: Path | None = None, **options) -> None:
        if verify is not None:
            self._verify(verify)
            return
        try:
            handle = output.open("x", encoding="utf-8") if output else sys.stdout
        except FileExistsError as error:
            raise CommandError(_("%(file)s already exists.") % {"file": output}) from error
        try:
            for stored in stored_files():
                handle.write(stored.line() + "\n")
        finally:
            if output:
                handle.close()

    def _verify(self, path: Path) -> None:
        try:
            with path.open(encoding="utf-8") as handle:
                listed = inventory_read(handle)
        except (OSError, ValueError) as error:
            raise CommandError(
                _("%(file)s: not a readable inventory (%(error)s)") % {"file": path, "error": error}
            ) from error
        result = stored_files_verify(listed)
        for problem, files in ((_("missing"), result.missing), (_("checksum differs"), result.different)):
            for stored in files[:_SHOWN]:
                self.stderr.write(f"{problem}: {stored.name} ({stored.field} {stored.pk})")
        self.stdout.write(
            _(
                "%(named)d files named by the database: %(equal)d equal to the inventory, "
                "%(unlisted)d present but not in it, %(missing)d missing, %(different)d with another checksum"
            )
            % {
                "named": result.named,
                "equal": result.equal,
                "unlisted": len(result.unlisted),
                "missing": len(result.missing),
                "different": len(result.different),
            }
        )
        if not result.ok:
            raise CommandError(_("Stored files do not match the database."))
