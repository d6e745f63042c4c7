"""Every download of a stored file is an audit event: who took which file, when, and from where.

Called by the download views (portal and admin) once the file is open and about to be sent. The event
names the file by its application and kind, or by the certificate's number — never by the uploaded
file's own name, which may hold anything (an ID number included).
"""

from django.db import transaction

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from registry.models import Application, DecisionDocument, Material, RegistrationCertificate


@transaction.atomic
def material_downloaded(*, material: Material, by: User) -> None:
    number = Application(pk=material.application_id).number
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=material,
        target_label=f"{number} {material.get_kind_display()}",
        detail={"file": "material", "kind": material.kind, "application": number},
    )


@transaction.atomic
def certificate_pdf_downloaded(*, certificate: RegistrationCertificate, by: User) -> None:
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=certificate,
        target_label=certificate.number,
        detail={"file": "certificate_pdf"},
    )


@transaction.atomic
def decision_document_downloaded(*, document: DecisionDocument, by: User) -> None:
    number = Application(pk=document.application_id).number
    audit_log(
        action=Action.DOWNLOADED,
        actor=by,
        target=document,
        target_label=f"{document.number} {document.get_kind_display()}",
        detail={"file": "decision", "kind": document.kind, "application": number},
    )
