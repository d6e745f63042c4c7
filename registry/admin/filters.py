"""List filters of the review queue. Each turns its choice into an indexed date or key comparison."""

import re

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workdays.working_days import add_working_days


class DeadlineStatusFilter(admin.SimpleListFilter):
    """Overdue, due today, due within 2 working days: date ranges on the stored `current_due_on`."""

    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return (
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("soon", _("Due within 2 working days")),
        )

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return queryset.filter(current_due_on__lt=today)
        if value == "today":
            return queryset.filter(current_due_on=today)
        if value == "soon":
            return queryset.filter(current_due_on__gt=today, current_due_on__lte=add_working_days(today, 2))
        return queryset


class EmployerFilter(admin.SimpleListFilter):
    """An employer by its unified social credit code (or id), typed in: thousands of employers do not
    fit in a list, and this runs no query to draw itself."""

    title = _("employer")
    parameter_name = "employer"
    template = "admin/registry/input_filter.html"

    def lookups(self, request, model_admin):
        return (("", ""),)  # drawn by the template as a text box

    def choices(self, changelist):
        other = {k: v for k, v in changelist.get_filters_params().items() if k != self.parameter_name}
        yield {
            "value": self.value() or "",
            "parameter_name": self.parameter_name,
            "other": [
                (k, v)
                for k, values in other.items()
                for v in (values if isinstance(values, list) else [values])
            ],
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
        }

    def queryset(self, request, queryset):
        value = (self.value() or "").strip().upper()
        if not value:
            return queryset
        if re.fullmatch(r"[0-9]{1,12}", value):
            return queryset.filter(employer_id=int(value))
        return queryset.filter(employer__uscc=value)
