"""Forms of the portal's batch pages: batches, applicants, materials, certificate holders.

Labels and help texts are written for a clerk who has never seen the system. These forms check the
shape of the input; the services (registry/services/intake.py, materials.py) check it against the
registry and answer with messages placed next to the field concerned.
"""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from common import text
from people.models import Level
from people.validators import normalize_resident_id, validate_resident_id
from registry.materials import REQUIRED_MATERIALS, MaterialKind, validate_material_of_kind
from registry.workflow import ApplicationKind

_MOBILE_HELP = _("11 digits, e.g. 13904510000. Required for an initial registration.")


class BatchForm(forms.Form):
    title = forms.CharField(
        label=_("Batch name"),
        max_length=200,
        validators=[text.single_line],
        help_text=_("Any name that helps you find it again, e.g. 2026年第一批注册申请."),
    )


def _grouped_projects(groups) -> list:
    return [(category, [(p.pk, str(p)) for p in projects]) for category, projects in groups]


class BatchSubmitForm(forms.Form):
    """Submitting a batch: the clerk confirms the truthfulness undertaking (pilot plan)."""

    truthfulness = forms.BooleanField(
        label=_(
            "I confirm that the applicants and our employer answer for the truth of the materials "
            "submitted (申请人及申请单位要对申请材料的真实性负责)."
        ),
        required=False,
    )


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Application kind"),
        choices=ApplicationKind.choices,
        initial=ApplicationKind.INITIAL,
        help_text=_(
            "Initial registration for someone not yet registered at this level; a change of employer for "
            "someone registered through another employer who now works for yours; the other kinds act on "
            "a certificate the person already holds through your employer."
        ),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        validators=[text.single_line],
        help_text=_("Exactly as on the ID card."),
    )
    id_number = text.CodeField(
        label=_("Resident ID number"),
        max_length=18,
        help_text=_("18 characters; the last may be X. The last character is checked."),
    )
    phone = text.CodeField(
        label=_("Mobile phone"),
        required=False,
        help_text=_MOBILE_HELP,
        validators=[
            RegexValidator(
                r"^1[3-9][0-9]{9}$", message=_("Enter an 11-digit mainland mobile number, e.g. 13904510000.")
            )
        ],
    )
    level = forms.TypedChoiceField(label=_("Level"), choices=Level.choices, coerce=int, initial=Level.TWO)
    qualification_number = text.CodeField(
        label=_("Qualification certificate number"),
        max_length=50,
        required=False,
        validators=[text.single_line],
        help_text=_(
            "The number on the registered metrologist qualification certificate (注册计量师职业资格证书)."
        ),
    )
    qualification_date = forms.DateField(
        label=_("Qualification certificate date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date on that certificate, e.g. 2020-06-01."),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Metrology projects"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For an initial registration or a change of specialty: tick every project applied for. Each "
            "needs a passed assessment (考核合格证)."
        ),
    )
    target_certificate = forms.ModelChoiceField(
        label=_("Registration certificate concerned"),
        queryset=None,
        required=False,
        empty_label=_("— not needed for an initial registration —"),
        help_text=_("For a change, renewal or cancellation: the person's certificate it acts on."),
    )
    target_certificate_number = text.CodeField(
        label=_("Number of the registration certificate held through the previous employer"),
        max_length=30,
        required=False,
        validators=[text.single_line],
        help_text=_("Only for a change of employer: as printed on the certificate, e.g. HLJ-ZC2-2026-00017."),
    )

    def __init__(self, *args, projects, project_groups, certificates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["projects"].widget.choices = _grouped_projects(project_groups)
        self.fields["target_certificate"].queryset = certificates
        self.fields["target_certificate"].label_from_instance = lambda c: (
            f"{c.number} {c.person.name} {c.get_level_display()}"
        )

    def clean_id_number(self) -> str:
        value = normalize_resident_id(self.cleaned_data["id_number"])
        validate_resident_id(value)
        return value

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ApplicationKind.INITIAL:
            for name, message in (
                ("phone", _("Required for an initial registration: the applicant's mobile number.")),
                ("qualification_number", _("Required for an initial registration: the certificate number.")),
                ("qualification_date", _("Required for an initial registration: the certificate date.")),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        # Projects and the certificate concerned are rules of the kind: the eligibility rules check them
        # (registry/eligibility.py), and the intake service puts the answer next to these fields.
        return cleaned


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file is"))
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, JPEG or PNG, at most 10 MB. A 2-inch photo: JPEG or PNG, upright, about 35:49, at "
            "least 300 × 420 pixels."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, application_kind: str, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [*REQUIRED_MATERIALS[application_kind], MaterialKind.OTHER]
        self.fields["kind"].choices = [(k, MaterialKind(k).label) for k in kinds]
        if projects is not None and len(projects) > 1:
            # One assessment certificate copy per project applied for (issue 14): say which.
            self.fields["project"] = forms.ModelChoiceField(
                label=_("Metrology project (for an assessment certificate copy)"),
                queryset=projects,
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        file = cleaned.get("file")
        if file is not None:
            try:
                validate_material_of_kind(file, cleaned.get("kind") or MaterialKind.OTHER)
            except forms.ValidationError as error:
                self.add_error("file", error)
        return cleaned


class ReplaceMaterialForm(forms.Form):
    file = MaterialForm.base_fields["file"]

    def __init__(self, *args, material_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.material_kind = material_kind

    def clean_file(self):
        file = self.cleaned_data["file"]
        validate_material_of_kind(file, self.material_kind)
        return file


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=500,
        validators=[text.multi_line_from_enterprise],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the person left the employer. A withdrawn application cannot be reopened."),
    )


class HolderStartForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to apply for"),
        # A change of employer is applied for by the employer the holder moves to, not from this page.
        choices=[
            (k.value, k.label) for k in ApplicationKind if k.needs_target_certificate and not k.moves_employer
        ],
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Metrology projects to add"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a change of specialty: each project needs a passed assessment."),
    )
    batch = forms.ModelChoiceField(
        label=_("Batch"),
        queryset=None,
        required=False,
        empty_label=_("— a new batch for this application —"),
        help_text=_("The application is prepared in this batch; you add its materials and submit it there."),
    )

    def __init__(self, *args, projects, project_groups, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["projects"].widget.choices = _grouped_projects(project_groups)
        self.fields["batch"].queryset = batches


class DepartureForm(forms.Form):
    """The employer reports that a holder left it without moving to another employer."""

    left_on = forms.DateField(
        label=_("Left on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the employment ended."),
    )
    note = forms.CharField(
        label=_("Note to the association"),
        max_length=1000,
        required=False,
        validators=[text.multi_line_from_enterprise],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
