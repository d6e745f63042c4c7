"""Forms of the assessments' admin pages that are not a model's own form."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import rules
from .services import REASON_MAX_LENGTH


class ScoreField(forms.CharField):
    """A score as the spreadsheet import reads it (exams.rules.parse_score): the same messages. Text up to
    the parser (no length validator: it would measure the parsed Decimal)."""

    def to_python(self, value) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return rules.parse_score(text)


class ResultCorrectionForm(forms.Form):
    """A correction of a recorded result: both scores as they should be, and why."""

    skill = ScoreField(label=_("operational skill score"), widget=forms.TextInput(attrs={"maxlength": 10}))
    knowledge = ScoreField(label=_("knowledge score"), widget=forms.TextInput(attrs={"maxlength": 10}))
    reason = forms.CharField(
        label=_("reason for the correction"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. For example: the knowledge score was entered with two digits swapped."),
        error_messages={"required": _("Give the reason for the correction.")},
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise ValidationError(_("Give the reason for the correction."), code="required")
        return reason
