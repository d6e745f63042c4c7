"""Forms of the staff's employer pages (admin)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.text import multi_line


class EmployerRenameForm(forms.Form):
    """A change of the employer's registered name, as its new business licence shows it."""

    new_name = forms.CharField(label=_("new name"), max_length=200)
    changed_on = forms.DateField(
        label=_("changed on"),
        help_text=_("The date the new name was registered (on the business licence)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )


class EmployerRefuseForm(forms.Form):
    """Why the association does not verify the selected employers (people.services.employer_refuse)."""

    reason = forms.CharField(
        label=_("Reason for refusal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        validators=[multi_line],
        help_text=_(
            "The employer reads this reason on the portal and in an e-mail. Say what is wrong and what to "
            "correct. It applies to every selected employer."
        ),
    )
