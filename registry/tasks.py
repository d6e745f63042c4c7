"""Celery tasks of the registry: verbs taking ids, each calling one service, all idempotent.

They are enqueued only after the transaction that caused them commits (`transaction.on_commit`,
through `common.queue.enqueue`, which survives a broker outage: what it cannot send, a sweep sends
later). The periodic ones are in settings.CELERY_BEAT_SCHEDULE (times in Asia/Shanghai) and each has a
management command to run it by hand. Acks are late (settings): a worker that dies mid-task leaves the
message to be delivered again, which the services' idempotence makes harmless.
"""

from celery import shared_task

from registry.services import certificate_pdfs, decision_documents, notifications, reminders
from registry.services.applications import applications_deem_accepted_overdue
from registry.services.certificates import certificates_expire

# The longest countdown must stay well below the broker's visibility timeout (settings: 900 s), or Redis
# hands the waiting message to a second worker.
_RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 10,  # 10 s, 20 s, 40 s ... with jitter
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="registry.generate_certificate_pdf", **_RETRY)
def generate_certificate_pdf(certificate_id: int) -> str:
    """Make the stored PDF of the certificate current. A font that lacks a character is not retried
    (the service records it and tells staff); anything else is, with backoff, then left to the sweep."""
    certificate = certificate_pdfs.certificate_pdf_generate(certificate_id=certificate_id)
    return certificate.pdf.name or ""


@shared_task(name="registry.sweep_certificate_pdfs")
def sweep_certificate_pdfs() -> int:
    """Enqueue every missing or stale certificate PDF (e.g. those whose enqueue found Redis down)."""
    return certificate_pdfs.certificates_pdf_sweep()


@shared_task(name="registry.generate_decision_document", **_RETRY)
def generate_decision_document(application_id: int, kind: str) -> str:
    """Generate the written decision if it is not stored yet (a second run writes nothing)."""
    document = decision_documents.decision_document_generate(application_id=application_id, kind=kind)
    return (document.pdf.name or "") if document is not None else ""


@shared_task(name="registry.sweep_decision_documents")
def sweep_decision_documents() -> int:
    """Enqueue every written decision not generated yet (e.g. its transition committed with Redis down)."""
    return decision_documents.decision_documents_sweep()


@shared_task(name="registry.deliver_notification")
def deliver_notification(notification_id: int) -> None:
    """Deliver one outbox row (sent once). Not retried here: a failure is recorded on the row, and the
    sweep tries again after a growing delay."""
    notifications.notification_deliver(notification_id=notification_id)


@shared_task(name="registry.deliver_notifications")
def deliver_notifications() -> int:
    """Every minute: hand every due outbox row to a worker (those whose first attempt was lost or failed)."""
    return notifications.notifications_deliver_due()


@shared_task(name="registry.notify_employer", **_RETRY)
def notify_employer(application_id: int, audit_entry_id: int) -> None:
    """Kept for messages enqueued before the outbox: e-mail the employer about one transition (once per
    audit row, under the outbox's key). Nothing enqueues it any more."""
    reminders.application_notify_employer(application_id=application_id, audit_entry_id=audit_entry_id)


@shared_task(name="registry.send_staff_digest")
def send_staff_digest() -> int:
    return reminders.reminders_send_staff_digest()


@shared_task(name="registry.send_expiry_reminders")
def send_expiry_reminders() -> int:
    return reminders.reminders_send_certificate_expiry()


@shared_task(name="registry.apply_deemed_acceptance")
def apply_deemed_acceptance() -> int:
    return len(applications_deem_accepted_overdue())


@shared_task(name="registry.expire_certificates")
def expire_certificates() -> int:
    return certificates_expire()
