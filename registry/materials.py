"""The materials each kind of application needs (DESIGN.md §2), as data in one place.

`REQUIRED_MATERIALS[kind]` maps a material kind to how many files of it are needed at least. The pilot plan
asks for two paper copies of the same 2-inch photo; online, one upload serves as both (issue 18).
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
    # No longer asked for (renewal reads the ledger, docs/decisions/0095); kept for files already uploaded.
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
        M.PHOTO: 1,
    },
    K.CHANGE_SPECIALTY: {
        M.APPLICATION_FORM: 1,
        M.ASSESSMENT_CERTIFICATE: 1,
        M.REGISTRATION_CERTIFICATE: 1,
        M.PHOTO: 1,
    },
    K.CHANGE_EMPLOYER_NAME: {M.APPLICATION_FORM: 1, M.RENAMING_DOCUMENTS: 1, M.REGISTRATION_CERTIFICATE: 1},
    K.CHANGE_EMPLOYER: {
        M.APPLICATION_FORM: 1,
        M.REGISTRATION_CERTIFICATE: 1,
        M.EMPLOYMENT_PROOF: 1,
        M.PHOTO: 1,
    },
    # The continuing-education record is read from the ledger, not uploaded (docs/decisions/0095).
    K.RENEWAL: {M.APPLICATION_FORM: 1, M.REGISTRATION_CERTIFICATE: 1, M.PHOTO: 1},
    K.CANCELLATION: {M.APPLICATION_FORM: 1, M.REGISTRATION_CERTIFICATE: 1},
}

# Kinds of which an application holds one file: attaching another replaces it.
SINGLE_FILE_KINDS = frozenset({M.APPLICATION_FORM, M.REGISTRATION_CERTIFICATE, M.CONTINUING_EDUCATION_RECORD})


# A missing assessment-certificate copy of one project: "assessment_certificate:<project as shown>".
_PROJECT_SEPARATOR = ":"


def project_copy_key(project: str) -> str:
    """The key of `missing_materials` for the missing assessment-certificate copy of `project` (its label)."""
    return f"{M.ASSESSMENT_CERTIFICATE}{_PROJECT_SEPARATOR}{project}"


def missing_materials(
    kind: str,
    counts: Mapping[str, int],
    *,
    projects: Mapping[int, str] | None = None,
    copies: Mapping[int | None, int] | None = None,
) -> dict[str, int]:
    """{material kind: how many more files are needed} for an application of `kind` holding `counts`.

    An application that names metrology projects (`projects`: {project id: label}) needs the assessment
    certificate copy of EACH project (issue 14), counted in `copies` ({project id: files}); each copy it
    lacks is the key `project_copy_key(label)`. A copy that names no project (uploaded before copies named
    theirs) stands for the project of an application of one project only.
    """
    per_project = bool(projects) and ApplicationKind(kind).needs_projects
    result: dict[str, int] = {}
    for material, needed in REQUIRED_MATERIALS[kind].items():
        if per_project and material == M.ASSESSMENT_CERTIFICATE:
            assert projects is not None
            copies = copies or {}
            if len(projects) == 1 and copies.get(None, 0):
                continue
            for project_id, label in projects.items():
                if not copies.get(project_id, 0):
                    result[project_copy_key(label)] = 1
        elif counts.get(material, 0) < needed:
            result[material] = needed - counts.get(material, 0)
    return result


def describe_missing(missing: Mapping[str, int]) -> list[str]:
    """Readable lines, e.g. "2-inch photo ×1" or "Assessment certificate (copy) of 12.901 压力表 ×1", in
    the checklist's order."""
    lines = []
    for key, count in missing.items():
        kind, _separator, project = key.partition(_PROJECT_SEPARATOR)
        label = str(MaterialKind(kind).label)
        if project:
            label = _("%(material)s of %(project)s") % {"material": label, "project": project}
        lines.append(f"{label} ×{count}")
    return lines


def missing_kinds(missing: Mapping[str, int]) -> list[str]:
    """The material kinds `missing_materials` names, once each in its order (a project's missing copy is
    its kind): what the correction notice's checklist ticks in advance."""
    return list(dict.fromkeys(key.partition(_PROJECT_SEPARATOR)[0] for key in missing))


def validate_material_of_kind(file, kind: str) -> None:
    """The checks a material of `kind` must pass: a 2-inch photo for the photo, else a PDF, JPEG or PNG."""
    if kind == MaterialKind.PHOTO:
        validate_two_inch_photo(file)
    else:
        validate_material_file(file)
