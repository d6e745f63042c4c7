"""How the calendar's audit events read (audit/describe.py)."""

from django.utils.translation import gettext

from audit.describe import Lines, describes, key_label
from audit.models import Action, AuditEvent
from workdays.models import CalendarChange, CalendarDay, CalendarYear


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


def _day(value) -> str:
    if not value:
        return gettext("the plain rule (weekdays work, weekends off)")
    return f"{_label(CalendarDay.Kind, value.get('kind'))} {value.get('note', '')}".strip()


@describes(Action.CALENDAR_CHANGED)
def calendar_change(event: AuditEvent) -> Lines:
    detail = dict(event.detail or {})
    change = detail.get("change")
    lines: Lines = [(gettext("change"), _label(CalendarChange.Action, change))]
    if change in (CalendarChange.Action.DAY_SET, CalendarChange.Action.DAY_DELETED):
        lines += [
            (gettext("calendar day"), str(detail.get("day", ""))),
            (key_label("old"), _day(detail.get("old"))),
            (key_label("new"), _day(detail.get("new"))),
        ]
    elif change == CalendarChange.Action.YEAR_STATUS:
        lines += [
            (gettext("year"), str(detail.get("year", ""))),
            (key_label("old"), _label(CalendarYear.Status, detail.get("old"))),
            (key_label("new"), _label(CalendarYear.Status, detail.get("new"))),
        ]
    elif change == CalendarChange.Action.SYNC:
        years = detail.get("years") or []
        lines += [
            (gettext("years"), "–".join(str(y) for y in years)),
            (
                gettext("days"),
                gettext(
                    "%(created)s added, %(updated)s corrected, %(deleted)s removed, %(kept)s staff edits kept"
                )
                % {
                    "created": detail.get("created", 0),
                    "updated": detail.get("updated", 0),
                    "deleted": detail.get("deleted", 0),
                    "kept": detail.get("kept_staff_edits", 0),
                },
            ),
        ]
        if marked := detail.get("years_marked_official"):
            lines.append((gettext("years marked official"), "、".join(str(y) for y in marked)))
    lines.append((gettext("days whose working status changed"), str(detail.get("days_changed", 0))))
    return lines
