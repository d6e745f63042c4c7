"""Forms of the continuing-education admin pages. Each feeds one service; the rules are the services'."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.text import multi_line
from people.models.choices import Prefecture
from training import services
from training.models import Activity, ParticipationState

from .filters import KIND, SUBJECT


class ActivityAdminForm(forms.ModelForm):
    """An activity the association or an industry body ran; checked by the service's own rules, so a
    refusal reads the same here as in the service (no database constraint names)."""

    class Meta:
        model = Activity
        fields = (
            "title",
            "kind",
            "organiser",
            "starts_on",
            "ends_on",
            "online",
            "place",
            "hours",
            "subject",
            "attendance_list",
        )
        labels = {"kind": KIND, "subject": SUBJECT, "place": _("venue")}

    # What the service's ActivityData holds: the form's fields but the file.
    DATA_FIELDS = (
        "title",
        "kind",
        "organiser",
        "starts_on",
        "ends_on",
        "online",
        "place",
        "hours",
        "subject",
    )

    def _value(self, name: str):
        """The cleaned value, or the activity's own for a field shown read-only (not in the form)."""
        if name in self.fields:
            return self.cleaned_data.get(name)
        return getattr(self.instance, name)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        probe = Activity(**{name: self._value(name) for name in self.DATA_FIELDS})
        try:
            services.activity_check(probe)
            if self.instance.pk:
                services.activity_change_check(activity=self.instance, data=self.activity_data())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def activity_data(self) -> services.ActivityData:
        value = {name: self._value(name) for name in self.DATA_FIELDS}
        value["place"] = value["place"] or ""
        return services.ActivityData(**value)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        validators=[multi_line],
        help_text=_("The employer reads this reason. It applies to every selected entry."),
    )


class CorrectionForm(forms.Form):
    """A decided entry's new hours and/or decision, with the reason (services.participation_correct)."""

    hours = forms.DecimalField(label=_("hours"), max_digits=4, decimal_places=1, min_value=0, required=False)
    state = forms.ChoiceField(
        label=_("decision"),
        choices=[
            (ParticipationState.CONFIRMED, ParticipationState.CONFIRMED.label),
            (ParticipationState.REJECTED, ParticipationState.REJECTED.label),
        ],
    )
    reason = forms.CharField(
        label=_("reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[multi_line],
    )


class AttendanceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("attendance list (.xlsx)"),
        help_text=_(
            "Columns 姓名, 公民身份号码 and 学时, one row per participant. Download the template below."
        ),
    )


def current_year() -> int:
    return timezone.localdate().year


class ComplianceFilterForm(forms.Form):
    """The compliance list's filters; an invalid value falls back to no filter (the list still shows)."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
    employer = forms.CharField(label=_("employer (credit code)"), max_length=18, required=False, strip=True)
    prefecture = forms.ChoiceField(
        label=_("prefecture"), choices=[("", _("All")), *list(Prefecture.choices)], required=False
    )
    short = forms.BooleanField(label=_("short of hours only"), required=False)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "year": data.get("year") or current_year(),
            "employer": (data.get("employer") or "").upper(),
            "prefecture": data.get("prefecture") or "",
            "short": bool(data.get("short")),
        }
