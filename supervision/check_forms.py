"""The inspector's forms on a check's page, made for a phone: the checklist, evidence, a measure and its
follow-up. They only read the input; the rules (a problem found needs a note, a certificate must be the
checked employer's, a rectification needs a due date…) are the services' (supervision.services), whose
ValidationError the views show on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common import text
from common.uploads import validate_material_file
from registry.models import RegistrationCertificate

from .models import Check, MeasureKind, checklist_items
from .services.checks import FindingInput

FOUND = "found"
NOT_FOUND = "not_found"
ACCEPT = "image/jpeg,image/png,application/pdf"
MAX_FILES = 10


class CertificateChoiceField(forms.ModelChoiceField):
    """A certificate by its number and holder; never the holder's ID number."""

    def label_from_instance(self, obj: RegistrationCertificate) -> str:
        return f"{obj.number} {obj.person.name}"


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChecklistForm(forms.Form):
    """Every checklist item of the check's kind — found or not, a note, and for an employer the
    certificate concerned — then the day of the check and a summary. An item left unanswered is left as
    it was, so the form can be saved part-filled on site and finished later."""

    checked_on = forms.DateField(label=_("Day of the check"), required=False, widget=_date_widget())
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        validators=[text.multi_line],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, check: Check, certificates: QuerySet[RegistrationCertificate], **kwargs):
        recorded = {f.item: f for f in check.findings.all()}
        kwargs.setdefault(
            "initial",
            {
                "checked_on": check.checked_on,
                "summary": check.summary,
                **{f"{item}-found": FOUND if f.found else NOT_FOUND for item, f in recorded.items()},
                **{f"{item}-note": f.note for item, f in recorded.items()},
                **{f"{item}-certificate": f.certificate_id for item, f in recorded.items()},
            },
        )
        super().__init__(*args, **kwargs)
        self.items = checklist_items(check.kind)
        self.with_certificates = check.employer_id is not None
        fields = {}
        for item, label in self.items:
            fields[f"{item}-found"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[(FOUND, _("Problem found")), (NOT_FOUND, _("No problem"))],
                widget=forms.RadioSelect,
            )
            fields[f"{item}-note"] = forms.CharField(
                label=_("Note"),
                required=False,
                validators=[text.multi_line],
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if self.with_certificates:
                fields[f"{item}-certificate"] = CertificateChoiceField(
                    label=_("Certificate concerned"),
                    queryset=certificates,
                    required=False,
                    empty_label=_("— none —"),
                )
        # The checklist first, then the day and the summary.
        fields.update(self.fields)
        self.fields = fields

    def item_fields(self) -> list[dict]:
        """One group per item for the template: its radio, its note, its certificate."""
        return [
            {
                "item": item,
                "label": label,
                "found": self[f"{item}-found"],
                "note": self[f"{item}-note"],
                "certificate": self[f"{item}-certificate"] if self.with_certificates else None,
            }
            for item, label in self.items
        ]

    def findings(self) -> dict[str, FindingInput]:
        """The answered items, as check_record takes them."""
        answers: dict[str, FindingInput] = {}
        for item, _label in self.items:
            answer = self.cleaned_data.get(f"{item}-found")
            if answer not in (FOUND, NOT_FOUND):
                continue
            answers[item] = {
                "found": answer == FOUND,
                "note": self.cleaned_data.get(f"{item}-note") or "",
                "certificate": self.cleaned_data.get(f"{item}-certificate"),
            }
        return answers


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """One or several files; each is checked by content before any is saved."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            raise ValidationError(_("Choose a photo or a PDF."), code="required")
        if len(files) > MAX_FILES:
            raise ValidationError(_("At most %(n)d files at a time.") % {"n": MAX_FILES}, code="too_many")
        for file in files:
            validate_material_file(file)
        return files


class EvidenceForm(forms.Form):
    files = EvidenceFilesField(
        label=_("Photos or PDF scans"),
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "capture": "environment"}),
        help_text=_("JPEG, PNG or PDF; several at once if you like."),
    )
    item = forms.ChoiceField(label=_("Checklist item"), required=False)

    def __init__(self, *args, check: Check, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("The check as a whole")), *checklist_items(check.kind)]


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    description = forms.CharField(
        label=_("What is ordered and why"),
        validators=[text.multi_line],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_on = forms.DateField(
        label=_("To be rectified by"),
        required=False,
        widget=_date_widget(),
        help_text=_("For a rectification order."),
    )
    referred_to = forms.CharField(
        label=_("Referred to"),
        required=False,
        max_length=200,
        validators=[text.single_line],
        help_text=_("For a referral: the authority the case goes to."),
    )
    certificate = CertificateChoiceField(
        label=_("Registration certificate"),
        queryset=RegistrationCertificate.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("For a suspension or revocation: the certificate misused."),
    )

    def __init__(self, *args, certificates: QuerySet[RegistrationCertificate], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = certificates


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("Follow-up"), validators=[text.multi_line], widget=forms.Textarea(attrs={"rows": 2})
    )
    done = forms.BooleanField(label=_("Done: the measure is complied with"), required=False)
