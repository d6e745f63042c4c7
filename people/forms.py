"""Forms of the staff's employer pages (admin)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmployerRenameForm(forms.Form):
    """A change of the employer's registered name, as its new business licence shows it."""

    new_name = forms.CharField(label=_("new name"), max_length=200)
    changed_on = forms.DateField(
        label=_("changed on"),
        help_text=_("The date the new name was registered (on the business licence)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
