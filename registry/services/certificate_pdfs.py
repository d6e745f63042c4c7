"""The certificate PDF on file: built from the models, signed, generated once, never lost.

- `certificate_document(certificate)` turns the models into the renderer's frozen CertificateDocument.
- `certificate_pdf_generate(certificate_id=...)` renders it, signs it (registry/signing.py: PAdES with
  the e-licence XMP) and stores it under one stable name per certificate. Once stored, the signed file is
  never rewritten: a later state change (revoked, superseded, cancelled, expired) leaves it as it was
  signed, and /verify/, the admin and the portal say the current state
  (docs/decisions/0102-signed-pdfs-and-elicence-metadata.md). A certificate whose PDF is first made
  after it ended prints that state (banner and watermark), so no clean-looking signed copy of an ended
  certificate is ever produced. The fingerprint of what was printed is kept beside it for
  `certificates_pdf_reprint` (development only).
- The signing key cannot be used (SigningUnavailable: a missing or unreadable key file): logged as an
  error, no PDF is stored, nothing is retried in a loop; the sweep produces it once the key is fixed.
- A text the embedded font cannot draw (MissingGlyphsError) will fail the same way every time: it is
  recorded on the certificate, logged and sent to staff once, and not retried (no retry storm).
- `certificate_pdf_enqueue(certificate_id)` is the only way to ask a worker for one, after commit; a
  broker that is down is logged, not raised, and costs the request a moment at most
  (common.queue.enqueue). The periodic sweep (`certificates_pdf_sweep`, `python manage.py
  generate_missing_pdfs`) finds every missing or stale PDF by a query on stored columns and produces it
  later: nothing is lost.
"""

import dataclasses
import hashlib
import json
import logging
from dataclasses import asdict

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from common.queue import enqueue
from registry.elicence import certificate_elicence
from registry.materials import MaterialKind
from registry.models import Material, RegistrationCertificate
from registry.models.certificate import certificate_pdf_path
from registry.pdf import (
    TITLE,
    CertificateDocument,
    MissingGlyphsError,
    PrintedProject,
    PrintedState,
    render_certificate_pdf,
)
from registry.pdf.certificate import SEAL_PLACEMENT
from registry.qr_signing import QrPayload, document_hash, qr_fragment_sign, signing_key
from registry.services.notifications import notification_send_email_once
from registry.signing import PdfMetadata, SigningUnavailable, sign_pdf, signing_identity
from registry.verification import mask_name, verification_url

logger = logging.getLogger(__name__)

# Part of the fingerprint: bump when the layout changes (development re-signing, `certificates_pdf_reprint`;
# a stored signed PDF is never reprinted in production).
# 2: the resident ID number is printed masked (issue 11; docs/decisions/0041-who-sees-full-id-numbers.md).
# 3: signed (PAdES) with the e-licence XMP, and the QR code carries a signed payload in its URL's fragment
#    (issue 19; docs/decisions/0102, 0103).
RENDERER_VERSION = "3"


def _photo(certificate: RegistrationCertificate) -> bytes | None:
    """The person's photo, else the newest photo material of the issuing application, else none."""
    person = certificate.person
    files: list[FieldFile] = []
    if person.photo:
        files.append(person.photo)
    material = (
        Material.objects.filter(application_id=certificate.application_id, kind=MaterialKind.PHOTO)
        .order_by("-uploaded_at", "-id")
        .first()
    )
    if material is not None:
        files.append(material.file)
    for file in files:
        try:
            with file.open("rb") as handle:
                return handle.read()
        except OSError:  # a file lost from storage: print without it rather than not at all
            logger.warning("certificate %s: photo %s unreadable", certificate.pk, file.name)
    return None


def certificate_document(certificate: RegistrationCertificate) -> CertificateDocument:
    """What the PDF of `certificate` prints now: its state, the holder, the employer, the QR URL.

    The QR URL carries, in its fragment, the association's signature over the certificate's essentials
    and the hash of everything else printed (`certificate_document_signed`)."""
    projects = tuple(
        PrintedProject(code=p.code, name=p.name) for p in certificate.projects.order_by("code", "pk")
    )
    doc = CertificateDocument(
        number=certificate.number,
        level=certificate.level,
        holder_name=certificate.person.name,
        # Masked: the PDF is downloaded, mailed and printed; name, photo and the QR code identify the holder.
        id_number=certificate.person.masked_id_number,
        employer_name=certificate.employer_name,  # as issued: a later rename does not reprint it
        projects=projects,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        issued_on=certificate.issued_on,
        verification_url=verification_url(certificate.verification_token),
        photo=_photo(certificate),
        state=PrintedState(certificate.state),
        state_changed_on=certificate.ended_on,
    )
    return certificate_document_signed(doc)


def certificate_document_signed(doc: CertificateDocument) -> CertificateDocument:
    """`doc` with the signed payload appended to its QR URL as the fragment (registry/qr_signing.py).

    The signed hash is the fingerprint of `doc` as it stands, before the fragment is added: a document
    cannot contain a hash of itself, so the payload vouches for everything else printed (the photo by its
    hash). Ed25519 is deterministic, so the same document always gets the same QR code.
    """
    kid, key = signing_key()
    payload = QrPayload(
        kid=kid,
        number=doc.number,
        holder=mask_name(doc.holder_name),
        level=doc.level,
        valid_from=doc.valid_from,
        valid_until=doc.valid_until,
        issued_on=doc.issued_on,
        document_hash=document_hash(certificate_document_fingerprint(doc)),
    )
    fragment = qr_fragment_sign(payload, key)
    return dataclasses.replace(doc, verification_url=f"{doc.verification_url}#{fragment}")


def certificate_document_fingerprint(doc: CertificateDocument) -> str:
    """SHA-256 of everything printed (the photo by its own hash) and of the renderer version."""
    fields = asdict(doc)
    photo = fields.pop("photo")
    fields["photo"] = hashlib.sha256(photo).hexdigest() if photo else None
    fields["renderer"] = RENDERER_VERSION
    payload = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _load(certificate_id: int) -> RegistrationCertificate:
    return RegistrationCertificate.objects.select_related("person", "employer").get(pk=certificate_id)


def certificate_pdf_generate(*, certificate_id: int, force: bool = False) -> RegistrationCertificate:
    """Make, sign and store the certificate's PDF if it has none yet; return the certificate.

    Once a PDF is stored it is kept as signed: a second call writes nothing. `force` re-signs a stored PDF
    whose printed content changed, and is for development only (`certificates_pdf_reprint`). The file
    name is the same every time (certificates/<year>/<number>.pdf). Rendering and signing happen outside
    the row lock; writing happens under it, so two workers racing on one certificate leave one file.
    """
    certificate = _load(certificate_id)
    if certificate.pdf and not force:
        return certificate
    doc = certificate_document(certificate)
    fingerprint = certificate_document_fingerprint(doc)
    if certificate.pdf and certificate.pdf_fingerprint == fingerprint:
        return certificate
    try:
        pdf = render_certificate_pdf(doc)
    except MissingGlyphsError as error:
        _record_permanent_failure(certificate, error)
        return _load(certificate_id)
    metadata = PdfMetadata(title=f"{TITLE} {doc.number}", elicence=certificate_elicence(certificate))
    try:
        pdf = sign_pdf(pdf, seal=SEAL_PLACEMENT, metadata=metadata)
    except SigningUnavailable as error:
        logger.error(
            "certificate %s: PDF not signed, the signing key cannot be used: %s", certificate_id, error
        )
        return certificate

    with transaction.atomic():
        locked = RegistrationCertificate.objects.select_for_update().get(pk=certificate_id)
        if locked.pdf and (not force or locked.pdf_fingerprint == fingerprint):
            return locked  # another worker wrote it meanwhile
        name = certificate_pdf_path(locked, "certificate.pdf")
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(pdf))
        locked.pdf.name = stored
        locked.pdf_state = doc.state
        locked.pdf_fingerprint = fingerprint
        locked.pdf_generated_at = timezone.now()
        locked.pdf_error = ""
        locked.save(update_fields=["pdf", "pdf_state", "pdf_fingerprint", "pdf_generated_at", "pdf_error"])
    logger.info("certificate %s: PDF signed and stored (%s, %d bytes)", certificate_id, doc.state, len(pdf))
    return locked


def _record_permanent_failure(certificate: RegistrationCertificate, error: MissingGlyphsError) -> None:
    """Keep why on the row (the sweep skips it until someone regenerates), log it, tell staff once."""
    message = str(error)
    RegistrationCertificate.objects.filter(pk=certificate.pk).update(pdf_error=message[:2000])
    logger.error("certificate %s: PDF cannot be generated: %s", certificate.pk, message)
    recipients = staff_emails()
    if not recipients:
        return
    with translation.override("zh-hans"):
        subject = _("Certificate %(number)s: the PDF could not be generated") % {"number": certificate.number}
        body = _(
            "The PDF of registration certificate %(number)s could not be generated:\n\n%(error)s\n\n"
            "Correct the data (for example, choose a character the font has for an uncommon one), then use "
            "“Regenerate PDF” on the certificate in the administration site."
        ) % {"number": certificate.number, "error": message}
    notification_send_email_once(
        key=f"certificate:{certificate.pk}:pdf-failed:{hashlib.sha256(message.encode()).hexdigest()[:12]}",
        to=recipients,
        subject=subject,
        body=body,
    )


def staff_emails() -> list[str]:
    """The e-mail addresses of active association staff (group `association`), deduplicated, sorted."""
    User = get_user_model()
    emails = (
        User.objects.filter(groups__name=str(Role.ASSOCIATION), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


# --- finding and producing what is missing ---------------------------------------------------------------


def certificates_pdf_outdated() -> QuerySet[RegistrationCertificate]:
    """Certificates with no PDF yet, minus permanent failures (a stored PDF is never outdated: it stays
    as signed whatever happens to the certificate later)."""
    return RegistrationCertificate.objects.filter(pdf_error="", pdf="")


def certificates_pdf_reprint() -> int:
    """Development only: re-sign every stored PDF whose printed content changed (its fingerprint: e.g.
    SITE_URL, which the QR code carries, after `make run PORT=…`); returns how many were rewritten. With a
    production signing key it rewrites nothing and returns 0: a signed certificate is never changed."""
    if not signing_identity().development:
        return 0
    reprinted = 0
    ids = RegistrationCertificate.objects.filter(pdf_error="").exclude(pdf="").order_by("pk")
    for pk, before in ids.values_list("pk", "pdf_fingerprint"):
        if certificate_pdf_generate(certificate_id=pk, force=True).pdf_fingerprint != before:
            reprinted += 1
    return reprinted


def certificate_pdf_enqueue(certificate_id: int) -> bool:
    """Ask a worker for the PDF. Call after commit. False (and logged) when the broker is unreachable:
    the certificate stays outdated and the sweep produces its PDF once the broker is back."""
    from registry.tasks import generate_certificate_pdf

    return enqueue(generate_certificate_pdf, certificate_id=certificate_id)


def certificates_pdf_sweep() -> int:
    """Enqueue every outdated PDF (periodic task); returns how many were enqueued."""
    ids = list(certificates_pdf_outdated().order_by("pk").values_list("pk", flat=True))
    return sum(1 for pk in ids if certificate_pdf_enqueue(pk))


def certificates_pdf_ensure() -> int:
    """Generate every outdated PDF now, in this process (seed_demo, the management command)."""
    ids = list(certificates_pdf_outdated().order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        certificate_pdf_generate(certificate_id=pk)
    return len(ids)


def certificate_pdf_current(*, certificate_id: int) -> RegistrationCertificate:
    """The certificate with its signed PDF, generated here and now if it has none yet (downloads)."""
    certificate = _load(certificate_id)
    if certificate.pdf:
        return certificate
    return certificate_pdf_generate(certificate_id=certificate_id)
