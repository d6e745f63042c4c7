"""Figure 2's baseline: the review queue as a plain ModelAdmin, on an AdminSite of its own.

The same columns (the person's str() shows the name and masked ID number, as our two columns do), the
same search fields, filters for the same questions, 50 rows a page like ours; and nothing else: no
list_select_related, full result counts, Django's default filters. Routed only by bench/urls.py.
"""

from django.contrib import admin
from django.utils import timezone

from registry.models import Application
from workdays.admin import CalendarYearAdmin
from workdays.models import CalendarYear
from workdays.working_days import working_days_between

site = admin.AdminSite(name="bench_baseline")
# The calendar banner every admin page carries links to the year's calendar: give it its URL here too.
site.register(CalendarYear, CalendarYearAdmin)


@admin.register(Application, site=site)
class PlainApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "person",
        "employer",
        "kind",
        "level",
        "state",
        "received_on",
        "current_due_on",
        "working_days_left",
    )
    list_filter = ("state", "current_due_on", "kind", "level", "employer__prefecture", "employer")
    search_fields = (
        "person__name",
        "=person__id_digest",  # the resident ID is encrypted: its blind index is what is searchable
        "=target_certificate__number",
        "=produced_certificate__number",
        "employer__name",
        "=employer__uscc",
    )
    list_per_page = 50

    @admin.display(description="working days left")
    def working_days_left(self, obj: Application) -> str:
        if obj.current_due_on is None:
            return "—"
        return str(working_days_between(timezone.localdate(), obj.current_due_on))
