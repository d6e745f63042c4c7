"""The written decisions on an application (issue 14, item 8): built from the models, generated once.

- `decision_notice(application, kind)` turns the models into the renderer's frozen DecisionNotice, or None
  when the application has no such decision (e.g. an acceptance notice for one never accepted).
- `decision_document_generate(application_id=..., kind=...)` renders it, signs it (registry/signing.py,
  PAdES, the visible signature over the printed seal) and stores it. A decision, once served, is never
  rewritten: a second call (a retried task, the sweep, a double click) writes nothing. A signing key that
  cannot be used is logged and nothing is stored; the sweep produces the document once it is fixed.
- `decision_documents_after_transition` is called after a transition commits: it asks a worker for the
  document that transition gave rise to, through `common.queue.enqueue` like the certificate PDFs; a broker
  that is down costs nothing, since the sweep (`decision_documents_sweep`, periodic, and
  `decision_documents_ensure`, here and now) finds every missing document by a query on stored columns.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from common.queue import enqueue
from registry import deadlines
from registry.materials import MaterialKind
from registry.models import Application, AuditEntry, DecisionDocument, DecisionKind
from registry.models.decision import decision_pdf_path
from registry.pdf.decision import DecisionNotice, NoticeKind, render_decision_pdf
from registry.pdf.fonts import MissingGlyphsError
from registry.signing import PdfMetadata, SigningUnavailable, sign_pdf
from registry.workflow import ApplicationKind, ApplicationState

logger = logging.getLogger(__name__)

# The transition that gives rise to each written decision.
DECISION_OF_TRANSITION = {
    "accept": DecisionKind.ACCEPTANCE,
    "deem_accept": DecisionKind.ACCEPTANCE,
    "not_accept": DecisionKind.NON_ACCEPTANCE,
    "request_corrections": DecisionKind.CORRECTION,
    "deny": DecisionKind.DENIAL,
}

# When an application has each decision: a query on stored columns (the sweep) ...
_HAS_DECISION = {
    DecisionKind.ACCEPTANCE: Q(accepted_on__isnull=False),
    DecisionKind.NON_ACCEPTANCE: Q(state=ApplicationState.NOT_ACCEPTED),
    DecisionKind.CORRECTION: Q(corrections_requested_on__isnull=False),
    DecisionKind.DENIAL: Q(state=ApplicationState.DENIED),
}


# ... and the same on one row.
def _has_decision(application: Application, kind: DecisionKind) -> bool:
    return {
        DecisionKind.ACCEPTANCE: application.accepted_on is not None,
        DecisionKind.NON_ACCEPTANCE: application.state == ApplicationState.NOT_ACCEPTED,
        DecisionKind.CORRECTION: application.corrections_requested_on is not None,
        DecisionKind.DENIAL: application.state == ApplicationState.DENIED,
    }[kind]


def _transition_day(application: Application, transition: str) -> dt.date | None:
    """The day `transition` was recorded on the application (its audit row), in local time."""
    entry = AuditEntry.objects.filter(application=application, transition=transition).order_by("at").first()
    return timezone.localdate(entry.at) if entry is not None else None


def decision_notice(application: Application, kind: DecisionKind) -> DecisionNotice | None:
    """What the written decision `kind` on `application` prints, or None if it has no such decision."""
    kind = DecisionKind(kind)
    if not _has_decision(application, kind) or application.received_on is None:
        return None
    received = application.received_on
    dated: dt.date | None
    if kind == DecisionKind.ACCEPTANCE:
        dated = application.accepted_on
        if application.deemed_accepted:  # accepted from the receipt date, noticed by the system later
            dated = _transition_day(application, "deem_accept") or timezone.localdate()
    elif kind == DecisionKind.CORRECTION:
        dated = application.corrections_requested_on
        # The notice answers the first submission (a resubmission restarts `received_on` afterwards).
        received = _transition_day(application, "submit") or received
    else:
        dated = application.closed_on
    if dated is None:
        return None
    approval_due = None
    if kind == DecisionKind.ACCEPTANCE:
        approval_due = application.approval_due_on or deadlines.approval_due(received)
    items = tuple(
        str(MaterialKind(k).label) for k in application.correction_items if k in MaterialKind.values
    )
    return DecisionNotice(
        kind=NoticeKind(kind.value),
        number=f"{application.number}-{kind.code}",
        application_number=application.number,
        application_kind=str(ApplicationKind(application.kind).label),
        level=application.level,
        applicant_name=application.person.name,
        employer_name=application.employer.name,
        received=received,
        dated=dated,
        accepted=application.accepted_on,
        approval_due=approval_due,
        deemed=application.deemed_accepted,
        reason=application.decision_reason,
        items=items if kind == DecisionKind.CORRECTION else (),
        note=application.correction_note if kind == DecisionKind.CORRECTION else "",
        reconsideration_body=settings.REGISTRY_RECONSIDERATION_BODY,
        court=settings.REGISTRY_LITIGATION_COURT,
        entrusted_by=settings.REGISTRY_ENTRUSTING_AUTHORITY,
    )


def decision_document_generate(*, application_id: int, kind: str) -> DecisionDocument | None:
    """The stored written decision `kind` on the application, generated now if it has none yet.

    Returns None when the application has no such decision or a printed text has a character the font
    cannot draw (logged; the sweep tries again, so a corrected name is printed later). Rendering happens
    outside the lock; the row is written under the application's lock, so two workers leave one document.
    """
    kind = DecisionKind(kind)
    existing = DecisionDocument.objects.filter(application_id=application_id, kind=kind).first()
    if existing is not None:
        return existing
    application = Application.objects.select_related("person", "employer").get(pk=application_id)
    notice = decision_notice(application, kind)
    if notice is None:
        return None
    try:
        pdf, seal = render_decision_pdf(notice)
    except MissingGlyphsError as error:
        logger.error("application %s: the %s cannot be generated: %s", application_id, kind.value, error)
        return None
    try:
        pdf = sign_pdf(pdf, seal=seal, metadata=PdfMetadata(title=f"{notice.title} {notice.number}"))
    except SigningUnavailable as error:
        logger.error(
            "application %s: the %s is not signed, the signing key cannot be used: %s",
            application_id,
            kind.value,
            error,
        )
        return None
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application_id).first()
        existing = DecisionDocument.objects.filter(application_id=application_id, kind=kind).first()
        if existing is not None:
            return existing  # another worker wrote it meanwhile
        document = DecisionDocument(
            application_id=application_id,
            kind=kind,
            number=notice.number,
            issued_on=notice.dated,
            generated_at=timezone.now(),
        )
        # A file already at this name is no document on record (none is, under this lock): one left by a
        # generation whose transaction rolled back. Replace it, so the name stays the number's.
        name = decision_pdf_path(document, "")
        if default_storage.exists(name):
            default_storage.delete(name)
        document.pdf.save(name, ContentFile(pdf), save=False)
        document.save()
    logger.info("application %s: %s generated (%d bytes)", application_id, kind.value, len(pdf))
    return document


def decision_document_enqueue(application_id: int, kind: str) -> bool:
    """Ask a worker for the document. Call after commit; False (logged) when the broker is unreachable."""
    from registry.tasks import generate_decision_document

    return enqueue(generate_decision_document, application_id=application_id, kind=str(kind))


def decision_documents_after_transition(application_id: int, transition: str) -> None:
    """After a committed transition: the written decision it gave rise to, if any."""
    kind = DECISION_OF_TRANSITION.get(transition)
    if kind is not None:
        decision_document_enqueue(application_id, kind)


def decision_documents_missing() -> list[tuple[int, DecisionKind]]:
    """(application id, kind) of every written decision an application has but no document yet."""
    missing = []
    for kind, has in _HAS_DECISION.items():
        stored = DecisionDocument.objects.filter(application=OuterRef("pk"), kind=kind)
        ids = (
            Application.objects.filter(has, received_on__isnull=False)
            .filter(~Exists(stored))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        missing += [(pk, kind) for pk in ids]
    return missing


def decision_documents_sweep() -> int:
    """Enqueue every missing written decision (periodic task); returns how many were enqueued."""
    return sum(1 for pk, kind in decision_documents_missing() if decision_document_enqueue(pk, kind))


def decision_documents_ensure() -> int:
    """Generate every missing written decision now, in this process (seed_demo, the command)."""
    done = 0
    for pk, kind in decision_documents_missing():
        if decision_document_generate(application_id=pk, kind=kind) is not None:
            done += 1
    return done
