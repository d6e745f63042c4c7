"""The forms of the yearly report's pages. They only carry the text; reports.services checks it (control
characters, length) and refuses, saving nothing, with messages shown beside the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _


def _text(label, help_text="", *, required=False, rows=8) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,  # the service strips; what it refuses is shown as typed
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class WrittenPartForm(forms.Form):
    """Section 6: the work done, the problems met, suggestions."""

    work_done = _text(_("Work done"), _("The registration work of the year, as the association reports it."))
    problems = _text(_("Problems met"), _("Problems met in the pilot, for the bureau to know."))
    suggestions = _text(_("Suggestions"), _("How the process could be improved."))


class ReturnForm(forms.Form):
    comment = _text(
        _("Comments for the association"),
        _("Say what is to be corrected. The association receives them by e-mail and on its page."),
        required=True,
        rows=5,
    )


class AcknowledgeForm(forms.Form):
    comment = _text(_("Note (optional)"), rows=2)
