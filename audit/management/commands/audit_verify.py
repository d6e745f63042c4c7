from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.services import audit_chains_verify


class Command(BaseCommand):
    help = "Check the hash chain of every audit table; exit 1 naming the first row that does not fit."

    def handle(self, *args, **options) -> None:
        broken = False
        for result in audit_chains_verify():
            if result.broken is None:
                self.stdout.write(result.message())
            else:
                broken = True
                self.stderr.write(result.message())
        if broken:
            raise CommandError(_("The audit trail has been tampered with or damaged."))
