"""The materials each kind of application needs (DESIGN.md §2), as data in one place.

`REQUIRED_MATERIALS[kind]` maps a material kind to how many files of it are needed at least.
`missing_materials()` says what an application still lacks; the admin's correction checklist and
`batch_submit` both read from here.
"""

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.uploads import validate_material_file, validate_two_inch_photo
from registry.workflow import ApplicationKind


class MaterialKind(models.TextChoices):
    APPLICATION_FORM = "application_form", _("Application form")
    QUALIFICATION_CERTIFICATE = "qualification_certificate", _("Qualification certificate (copy)")
    ASSESSMENT_CERTIFICATE = "assessment_certificate", _("Assessment certificate (copy)")
    PHOTO = "photo", _("2-inch photo")
    REGISTRATION_CERTIFICATE = "registration_certificate", _("Registration certificate")
    RENAMING_DOCUMENTS = "renaming_documents", _("Employer renaming documents")
    CONTINUING_EDUCATION_RECORD = "continuing_education_record", _("Continuing education record")
    EMPLOYMENT_PROOF = "employment_proof", _("Proof of employment by the new employer (copy)")
    OTHER = "other", _("Other")


M = MaterialKind
K = ApplicationKind

REQUIRED_MATERIALS: Mapping[str, Mapping[str, int]] = {
    K.INITIAL: {
        M.APPLICATION_FORM: 1,
        M.QUALIFICATION_CERTIFICATE: 1,
        M.ASSESSMENT_CERTIFICATE: 1,
        M.PHOTO: 2,
    },
    K.CHANGE_SPECIALTY: {
        M.APPLICATION_FORM: 1,
        M.ASSESSMENT_CERTIFICATE: 1,
        M.REGISTRATION_CERTIFICATE: 1,
        M.PHOTO: 2,
    },
    K.CHANGE_EMPLOYER_NAME: {M.APPLICATION_FORM: 1, M.RENAMING_DOCUMENTS: 1, M.REGISTRATION_CERTIFICATE: 1},
    K.CHANGE_EMPLOYER: {
        M.APPLICATION_FORM: 1,
        M.REGISTRATION_CERTIFICATE: 1,
        M.EMPLOYMENT_PROOF: 1,
        M.PHOTO: 2,
    },
    K.RENEWAL: {
        M.APPLICATION_FORM: 1,
        M.REGISTRATION_CERTIFICATE: 1,
        M.CONTINUING_EDUCATION_RECORD: 1,
        M.PHOTO: 2,
    },
    K.CANCELLATION: {M.APPLICATION_FORM: 1, M.REGISTRATION_CERTIFICATE: 1},
}

# Kinds of which an application holds one file: attaching another replaces it.
SINGLE_FILE_KINDS = frozenset({M.APPLICATION_FORM, M.REGISTRATION_CERTIFICATE, M.CONTINUING_EDUCATION_RECORD})


def missing_materials(kind: str, counts: Mapping[str, int]) -> dict[str, int]:
    """{material kind: how many more files are needed} for an application of `kind` holding `counts`."""
    return {
        material: needed - counts.get(material, 0)
        for material, needed in REQUIRED_MATERIALS[kind].items()
        if counts.get(material, 0) < needed
    }


def describe_missing(missing: Mapping[str, int]) -> list[str]:
    """Readable lines, e.g. "2-inch photo ×2", in the checklist's order."""
    return [f"{MaterialKind(kind).label} ×{count}" for kind, count in missing.items()]


def validate_material_of_kind(file, kind: str) -> None:
    """The checks a material of `kind` must pass: a 2-inch photo for the photo, else a PDF, JPEG or PNG."""
    if kind == MaterialKind.PHOTO:
        validate_two_inch_photo(file)
    else:
        validate_material_file(file)
