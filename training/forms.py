"""The enterprise portal's continuing-education forms: an activity, its participants, a change of hours.

Hours are typed as text and read by `training.rules.parse_hours` after NFKC normalisation, so "３.５"
typed with a Chinese input method reads as 3.5, exactly as the participants spreadsheet reads it.
The rules themselves (half-hour steps, at most the activity's hours, who may be recorded) stay in
training.rules and training.services; these forms only read the input and show the answers.
"""

import datetime as dt
import unicodedata
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import text
from common.uploads import validate_material_file

from . import rules
from .models import ActivityKind, Subject


def normalized(value: object) -> str:
    """Full-width digits, dots and letters as their ASCII forms (NFKC), surrounding spaces removed."""
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()


class HoursField(forms.Field):
    """Hours in half-hour steps, typed in half-width or full-width characters."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "maxlength": 12})

    def to_python(self, value):
        value = normalized(value)
        if value in self.empty_values:
            return None
        if len(value) > 20:
            raise ValidationError(_("Enter the hours as a number, e.g. 8 or 7.5."), code="hours_invalid")
        return rules.parse_hours(value)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[text.single_line])
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    organiser = forms.CharField(
        label=_("Organiser"),
        max_length=200,
        validators=[text.single_line],
        help_text=_("Your enterprise, an industry body, a university or another organiser."),
    )
    starts_on = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("End date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The hours count in the year the activity ended."),
    )
    online = forms.BooleanField(label=_("Held online (distance education)"), required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        validators=[text.single_line],
        help_text=_("Leave empty for an online activity."),
    )
    hours = HoursField(
        label=_("Hours"),
        help_text=_(
            "The hours a participant who attended all of it earns, in half-hour steps (e.g. 8 or 7.5)."
        ),
    )
    subject = forms.ChoiceField(
        label=_("Subject"),
        choices=Subject.choices,
        widget=forms.RadioSelect,
        help_text=_("Professional subjects must make up at least two thirds of each year's hours."),
    )
    attendance_list = forms.FileField(
        label=_("Attendance list (optional)"),
        required=False,
        validators=[validate_material_file],
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("PDF, JPEG or PNG."),
    )

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on > timezone.localdate():
            raise ValidationError(
                _("The activity has not ended yet; record its hours once it has."), code="future"
            )
        if ends_on < dt.date(2000, 1, 1):
            raise ValidationError(_("The date %(date)s cannot be right.") % {"date": ends_on}, code="past")
        return ends_on

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        if not data.get("online") and not (data.get("place") or "").strip():
            self.add_error("place", _("Enter the place, or mark the activity as online."))
        return data


def evidence_rows_limit() -> int:
    """The most rows the participants form gives a certificate input each (a margin below Django's limit
    on files in one request)."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    return 10**9 if limit is None else max(0, limit - 5)


class ParticipantsForm(forms.Form):
    """One row per holder of the employer on the activity's last day: took part, hours, certificate.

    `staff` is a list of (person, registration certificate) pairs, in the order shown.

    Fields are named `take-<person id>`, `hours-<person id>` and `evidence-<person id>`, so that a row
    posted for someone not on the list is simply not read.
    """

    def __init__(self, *args, activity, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.rows = []
        # A browser sends every file input, empty or not, and Django refuses a request with more than
        # DATA_UPLOAD_MAX_NUMBER_FILES of them: a long list records hours without per-row certificates.
        self.with_evidence = len(staff) <= evidence_rows_limit()
        for person, certificate in staff:
            take = f"take-{person.pk}"
            hours = f"hours-{person.pk}"
            evidence = f"evidence-{person.pk}"
            self.fields[take] = forms.BooleanField(label=_("Took part"), required=False)
            self.fields[hours] = HoursField(label=_("Hours"), required=False, initial=_plain(activity.hours))
            if self.with_evidence:
                self.fields[evidence] = forms.FileField(
                    label=_("Certificate of attendance"),
                    required=False,
                    validators=[validate_material_file],
                    widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
                )
            self.rows.append({"person": person, "certificate": certificate, "names": (take, hours, evidence)})

    def bound_rows(self):
        """For the template: each holder with its three bound fields and the row's errors."""
        for row in self.rows:
            take, hours, evidence = row["names"]
            yield {
                "person": row["person"],
                "certificate": row["certificate"],
                "take": self[take],
                "hours": self[hours],
                "evidence": self[evidence] if self.with_evidence else None,
                "errors": [
                    *self.errors.get(take, []),
                    *self.errors.get(hours, []),
                    *self.errors.get(evidence, []),
                ],
            }

    def clean(self):
        data = super().clean()
        chosen = 0
        for row in self.rows:
            take, hours, _evidence = row["names"]
            if not data.get(take):
                continue
            chosen += 1
            if data.get(hours) is None and hours not in self.errors:
                self.add_error(hours, _("Enter the hours."))
        if not chosen and not self.errors:
            raise ValidationError(_("Tick at least one participant."), code="none")
        return data

    def chosen(self) -> list[tuple[object, Decimal, object]]:
        """(person, hours, evidence file or None) of every ticked row, in the list's order."""
        out = []
        for row in self.rows:
            take, hours, evidence = row["names"]
            if self.cleaned_data.get(take):
                out.append((row["person"], self.cleaned_data[hours], self.cleaned_data.get(evidence)))
        return out

    def add_row_error(self, person_id: int, message: str) -> None:
        self.add_error(f"take-{person_id}", message)


def _plain(hours: Decimal) -> str:
    """8.0 → "8", 7.5 → "7.5": how a person writes hours."""
    return format(hours.normalize(), "f")


class EntryChangeForm(forms.Form):
    hours = HoursField(label=_("Hours"))


class YearForm(forms.Form):
    """The year a list shows (default: this year) and, for the compliance list, only the short ones."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    short = forms.BooleanField(label=_("Only holders short of hours"), required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]

    def year_or(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return default

    def short_only(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("short"))


class ParticipantsSheetForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in spreadsheet"),
        help_text=_("The template saved as .xlsx, or as .csv (UTF-8 or GBK). One row per participant."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
