from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workdays.services import calendar_sync_from_package


class Command(BaseCommand):
    help = gettext_lazy(
        "Load every year the installed chinese-calendar package knows into the working-day calendar. "
        "Rows staff edited by hand are kept. Run it after upgrading the package."
    )

    def handle(self, *args, **options) -> None:
        result = calendar_sync_from_package(by=None)
        self.stdout.write(
            _(
                "Years %(first)s-%(last)s: %(created)d days added, %(updated)d corrected, "
                "%(deleted)d removed, %(kept)d staff edits kept; marked official: %(official)s."
            )
            % {
                "first": result.years[0] if result.years else "-",
                "last": result.years[-1] if result.years else "-",
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
                "kept": result.kept_staff_edits,
                "official": ", ".join(map(str, result.years_marked_official)) or "-",
            }
        )
        if result.change is not None and result.change.days:
            self.stdout.write(
                _("%(count)d days changed working status; open deadlines were recomputed.")
                % {"count": len(result.change.days)}
            )
