"""Attaching uploaded materials to an application."""

import hashlib
from functools import partial
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from exams.models import MetrologyProject
from registry.materials import SINGLE_FILE_KINDS, MaterialKind
from registry.models import Application, Material
from registry.workflow import ApplicationState

# Materials may change only while the employer holds the application.
EDITABLE_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.CORRECTIONS_REQUESTED})


def _sha256(file: File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _project_of_copy(
    application: Application, kind: str, project: MetrologyProject | None
) -> MetrologyProject | None:
    """The project an assessment-certificate copy is of: one the application applies for, named when it
    applies for several (one copy per project, issue 14), and that one when it applies for one."""
    if kind != MaterialKind.ASSESSMENT_CERTIFICATE:
        if project is not None:
            raise ValidationError(
                _("Only an assessment certificate copy names a metrology project."),
                code="project_not_for_kind",
            )
        return None
    applied = list(application.projects.order_by("code"))
    if project is None:
        if len(applied) > 1:
            raise ValidationError(
                _("Choose the metrology project this assessment certificate copy is of."),
                code="project_required",
            )
        return applied[0] if applied else None
    if project not in applied:
        raise ValidationError(
            _("The application does not apply for the metrology project %(project)s.") % {"project": project},
            code="project_not_applied_for",
        )
    return project


@transaction.atomic
def material_attach(
    *,
    application: Application,
    kind: str,
    file: File,
    by: User,
    project: MetrologyProject | None = None,
) -> Material:
    """Store `file` as a material of `application` with its SHA-256; a single-file kind replaces the old.
    An assessment-certificate copy names its project (`project`; the only one when the application
    applies for one).

    Checks nothing about the content (the portal does). The replaced file is removed from storage only
    after commit, so a rollback never leaves a row pointing at a deleted file.
    """
    if kind not in MaterialKind.values:
        raise ValidationError(_("Unknown material kind: %(kinds)s") % {"kinds": kind})
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state not in EDITABLE_STATES:
        raise ValidationError(
            _("Materials can be changed only in a draft or after a correction notice."), code="not_editable"
        )
    project = _project_of_copy(locked, kind, project)
    replaced = []
    if kind in SINGLE_FILE_KINDS:
        replaced = list(Material.objects.filter(application=locked, kind=kind))
    name = PurePath(getattr(file, "name", "") or "upload").name
    material = Material(
        application=locked,
        kind=kind,
        project=project,
        original_name=name[:255],
        size=file.size or 0,
        checksum=_sha256(file),
        uploaded_by=by,
    )
    material.file.save(name, file, save=False)
    material.save()
    for old in replaced:
        stored = old.file.name or ""
        storage = old.file.storage
        old.delete()
        transaction.on_commit(partial(storage.delete, stored))
    return material


@transaction.atomic
def material_replace(*, material: Material, file: File, by: User) -> Material:
    """Put `file` in the place of `material` (same application, same kind); the old file goes after commit.

    Refused, like every change of materials, once the application has left the employer's hands.
    """
    old = Material.objects.select_related("application", "project").get(pk=material.pk)
    if old.application.state not in EDITABLE_STATES:
        raise ValidationError(
            _("Materials can be changed only in a draft or after a correction notice."), code="not_editable"
        )
    if old.kind not in SINGLE_FILE_KINDS:  # a single-file kind is replaced by material_attach itself
        stored, storage = old.file.name or "", old.file.storage
        old.delete()
        transaction.on_commit(partial(storage.delete, stored))
    return material_attach(application=old.application, kind=old.kind, file=file, by=by, project=old.project)
