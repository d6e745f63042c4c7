"""Forms of the staff's transition buttons (admin) and of material uploads."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common import text
from common.uploads import validate_material_file
from exams.models import MetrologyProject
from registry.eligibility import certificate_holder_problem
from registry.materials import MaterialKind, validate_material_of_kind
from registry.models import Application
from registry.workflow import LapseReason


class ApplicationAdminForm(forms.ModelForm):
    """Staff's add and draft-change form: the certificate acted on must be the person's, held through the
    application's employer (the rest of the rules are checked at submission)."""

    class Meta:
        model = Application
        fields = ("kind", "person", "employer", "level", "projects", "target_certificate", "batch")

    def clean(self):
        cleaned = super().clean()
        target, person, employer = (cleaned.get(k) for k in ("target_certificate", "person", "employer"))
        kind = cleaned.get("kind")
        if target is not None and person is not None and employer is not None and kind:
            problem = certificate_holder_problem(
                target, person_id=person.pk, employer_id=employer.pk, kind=kind
            )
            if problem is not None:
                code, message = problem
                self.add_error("target_certificate", forms.ValidationError(message, code=code))
        return cleaned


class ConfirmForm(forms.Form):
    """A transition that needs nothing but a click."""


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        validators=[text.multi_line],
    )


class ApproveForm(forms.Form):
    """Approval. A renewal whose holder is short of continuing education in some year is approved only
    with a written reason (the admin shows this form then, and ConfirmForm otherwise; the service
    enforces it either way)."""

    override_reason = forms.CharField(
        label=_("Reason for approving despite the shortfall"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        validators=[text.multi_line],
        help_text=_(
            "The continuing-education requirement applies “generally”: say why this renewal is approved "
            "although the years listed above are short. Kept on the application and in the audit trail."
        ),
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        validators=[text.multi_line],
    )


class CorrectionsForm(forms.Form):
    """The one-time correction notice: every missing or defective material, and a note."""

    items = forms.MultipleChoiceField(
        label=_("Missing or defective materials"),
        choices=MaterialKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Note to the employer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        validators=[text.multi_line],
        help_text=_("Say what is wrong with each item: this notice can be sent only once."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("items") and not (cleaned.get("note") or "").strip() and not self.errors:
            raise forms.ValidationError(
                _("List the missing or defective materials, or describe them in the note."),
                code="corrections_empty",
            )
        return cleaned


class MaterialAttachForm(forms.Form):
    """Staff attach a material: the same content, size and photo checks as the portal's upload."""

    kind = forms.ChoiceField(label=pgettext_lazy("material", "Kind"), choices=MaterialKind.choices)
    project = forms.ModelChoiceField(
        label=_("Metrology project (for an assessment certificate copy)"),
        queryset=MetrologyProject.objects.filter(is_active=True),
        required=False,
    )
    file = forms.FileField(label=_("File"))

    def clean(self):
        cleaned = super().clean()
        file, kind = cleaned.get("file"), cleaned.get("kind")
        if file is not None and kind:
            try:
                validate_material_of_kind(file, kind)
            except forms.ValidationError as error:
                self.add_error("file", error)
        return cleaned


class RevokeForm(ReasonForm):
    pass


class SuspendForm(ReasonForm):
    pass


class ReinstateForm(ReasonForm):
    pass


class LapseForm(forms.Form):
    """Staff record that a registration lapsed by law, with the evidence (registry.services.certificates)."""

    reason = forms.ChoiceField(label=_("Why the registration lapsed"), choices=LapseReason.choices)
    lapsed_on = forms.DateField(
        label=_("Date of the event"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day of death, of the court decision, or of leaving the employer."),
    )
    note = forms.CharField(
        label=_("Note (not public)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        validators=[text.multi_line],
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        validators=[validate_material_file],
        help_text=_(
            "A PDF, JPEG or PNG scan: death certificate, court decision, or the employer's statement."
        ),
    )


class VerifyForm(forms.Form):
    """The public lookup by certificate number and the holder's full name (both needed)."""

    number = text.CodeField(
        label=_("Certificate number"),
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "HLJ-ZC2-2026-00017", "autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("Holder's full name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
