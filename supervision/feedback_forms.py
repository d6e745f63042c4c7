"""Forms of the feedback desk: the portal's, the public one (with its challenge against bots), and the
association's answer. The rules are in supervision.services.feedback and supervision.challenge."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from supervision.challenge import challenge_check, challenge_new
from supervision.models import FeedbackTopic


class FeedbackForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *FeedbackTopic.choices])
    message = forms.CharField(
        label=_("Your opinion or suggestion"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
    )


class PublicFeedbackForm(FeedbackForm):
    """The public form. `website` is the honeypot (hidden by CSS; a person leaves it empty); `answer`
    answers the sum whose signed result is in `token`. A bound form that fails them is not valid, and its
    error says so; an unbound or refused form carries a new question."""

    name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("Phone or e-mail (optional)"),
        max_length=100,
        required=False,
        help_text=_(
            "Only the association sees it, to contact you if needed. "
            "Keep the tracking code to read the answer."
        ),
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    answer = forms.CharField(
        label=_("Question"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge_new()
        self.fields["answer"].label = _("Anti-robot question: %(question)s") % {
            "question": self.challenge.question
        }
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("The form could not be accepted."), code="honeypot")
        if "answer" in data:
            try:
                challenge_check(token=data.get("token", ""), answer=data["answer"])
            except ValidationError as error:
                self.add_error("answer", error)
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000})
    )
