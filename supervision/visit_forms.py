"""Forms of the assistance visits: the portal's request, and the association's and bureau's plan, record
and decline. They read the input; the rules are in supervision.services.visits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Employer
from supervision.models import VisitTopic

_LONG = {"rows": 4, "maxlength": 2000}


class VisitRequestForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=VisitTopic.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("What would you like help with?"),
        max_length=2000,
        widget=forms.Textarea(attrs=_LONG),
        help_text=_("For example: which instruments, which rules, which measurement standard you plan."),
    )


class VisitPlanForm(forms.Form):
    planned_on = forms.DateField(label=_("Day of the visit"), widget=forms.DateInput(attrs={"type": "date"}))
    experts = forms.CharField(
        label=_("Experts"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
        help_text=_("Their names (and organisation, for external experts)."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=VisitTopic.choices, widget=forms.CheckboxSelectMultiple
    )


class VisitNewForm(VisitPlanForm):
    """A visit the association or the bureau plans on its own initiative: also the enterprise."""

    employer = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Employer.objects.filter(status=Employer.Status.ACTIVE).order_by("name"),
    )
    field_order = ["employer", "planned_on", "experts", "topics"]


class VisitRecordForm(forms.Form):
    findings = forms.CharField(label=_("What was found"), max_length=4000, widget=forms.Textarea(attrs=_LONG))
    advice = forms.CharField(label=_("What was advised"), max_length=4000, widget=forms.Textarea(attrs=_LONG))
    follow_up = forms.CharField(
        label=_("Follow-up"), max_length=4000, required=False, widget=forms.Textarea(attrs=_LONG)
    )


class VisitDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs=_LONG),
        help_text=_("The enterprise reads it."),
    )
