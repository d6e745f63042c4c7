"""Forms of the supervision pages. They check the shape of what was typed; the rules (a number or a
percentage, a pool big enough, a summary without personal data) are the services' and come back as their
ValidationError messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from common import text
from people.models import Prefecture
from supervision.models import PlanKind


def _inspector_label(user: User) -> str:
    return user.get_full_name() or user.username


def active_inspectors():
    return User.objects.filter(is_active=True, groups__name=Role.INSPECTOR).order_by("username").distinct()


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Plan title"), max_length=200, validators=[text.single_line])
    kind = forms.ChoiceField(label=_("What is checked"), choices=PlanKind.choices)
    period_start = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(
        label=_("Period to"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Assessments held or applications decided in this period are drawn from."),
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"),
        choices=[("", _("The whole province")), *Prefecture.choices],
        required=False,
        help_text=_("Only for a check of employers."),
    )
    sample_size = forms.IntegerField(
        label=_("Number to check"),
        min_value=1,
        required=False,
        help_text=_("Give either a number or a percentage of the population, not both."),
    )
    sample_percent = forms.IntegerField(
        label=_("Percentage to check"), min_value=1, max_value=100, required=False
    )
    inspectors_per_check = forms.IntegerField(
        label=_("Inspectors per check"), min_value=2, max_value=5, initial=2
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors' pool"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The inspectors of each check are drawn from these; declared conflicts are honoured."),
    )
    description = forms.CharField(
        label=_("Public description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        validators=[text.multi_line],
        help_text=_("Published with the plan: its basis and what is checked. No personal data."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = active_inspectors()
        self.fields["inspectors"].label_from_instance = _inspector_label

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("inspectors")
        return data


class CompleteForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of results to publish"),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[text.multi_line],
        help_text=_("Published on the public page. No names of people, no ID or mobile numbers."),
    )


class ConflictForm(forms.Form):
    uscc = forms.CharField(
        label=_("Employer's unified social credit code"),
        max_length=18,
        help_text=_("The 18 characters on its business licence."),
    )
    note = forms.CharField(
        label=_("Nature of the link"),
        max_length=200,
        validators=[text.single_line],
        help_text=_("For example: former employee, relative of its manager, consultant."),
    )
