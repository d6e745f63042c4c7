"""List filters of the participations: each a comparison on an indexed column, drawn without a query."""

import datetime as dt

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

YEARS_SHOWN = 6


class ActivityYearFilter(admin.SimpleListFilter):
    """The year the activity ended (the year its hours count in): this year and the five before."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        return [(str(y), str(y)) for y in range(this_year, this_year - YEARS_SHOWN, -1)]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if not (value.isdigit() and len(value) == 4):
            return queryset
        year = int(value)
        return queryset.filter(activity__ends_on__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))


def titled(title):
    """A choices filter with its own title: the model's "kind" and "subject" share their msgids with other
    models' fields of those names, whose Chinese does not fit an activity."""

    class TitledChoicesFilter(admin.ChoicesFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return TitledChoicesFilter


KIND = _("way of learning")
SUBJECT = _("subject category")
