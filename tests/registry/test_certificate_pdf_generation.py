"""Certificate PDFs on file: produced after issuing, signed once and kept as signed whatever the
certificate's state becomes, never lost, permanent font failures told to staff once, and downloads
scoped to who may see them.

Tasks run in-process here (the test settings' eager Celery); tests/registry/test_certificate_pdf_worker.py
runs the same through the real Redis and a real worker.
"""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from registry.models import Material, NotificationLog, RegistrationCertificate
from registry.pdf.sample import sample_photo
from registry.services import applications as services
from registry.services.certificate_pdfs import (
    certificate_document,
    certificate_pdf_generate,
    certificates_pdf_outdated,
)
from registry.services.certificates import certificate_revoke
from registry.verification import verification_url
from registry.workflow import ApplicationKind
from tests.celery_worker import broker_unreachable
from tests.factories import (
    ApplicationFactory,
    EmployerFactory,
    MetrologyProjectFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.printed_qr import printed_qr_mismatches

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def _issue(by, django_capture_on_commit_callbacks, **kwargs) -> RegistrationCertificate:
    application = ApplicationFactory(approved=True, projects=[MetrologyProjectFactory()], **kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_issue(application=application, by=by)
    return RegistrationCertificate.objects.get(application=application)


def _pdf_text(certificate: RegistrationCertificate, tmp_path: Path) -> str:
    path = tmp_path / "c.pdf"
    with certificate.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


@needs_poppler
def test_issuing_produces_the_pdf_after_commit(
    association_user, django_capture_on_commit_callbacks, tmp_path
):
    certificate = _issue(association_user, django_capture_on_commit_callbacks, person__name="李喆堃")
    assert certificate.pdf.name == f"certificates/{certificate.year}/{certificate.number}.pdf"
    assert default_storage.exists(certificate.pdf.name)
    assert certificate.pdf_state == "valid"
    assert certificate.pdf_generated_at is not None
    text = _pdf_text(certificate, tmp_path)
    assert "企业注册计量师注册证" in text
    assert "李喆堃" in text
    assert certificate.number in text


def test_nothing_is_enqueued_when_the_issue_rolls_back(association_user, django_capture_on_commit_callbacks):
    application = ApplicationFactory(approved=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_issue(application=application, by=association_user)
    # The PDF is asked for only by the after-commit hook: before it runs, nothing exists.
    assert not RegistrationCertificate.objects.get(application=application).pdf
    assert [c.func for c in callbacks] == [services._after_transition]


def test_generating_again_never_rewrites_the_signed_pdf(association_user, django_capture_on_commit_callbacks):
    certificate = _issue(association_user, django_capture_on_commit_callbacks)
    first = (certificate.pdf.name, certificate.pdf_fingerprint, certificate.pdf_generated_at)
    signed = certificate.pdf.read()
    again = certificate_pdf_generate(certificate_id=certificate.pk)
    assert (again.pdf.name, again.pdf_fingerprint, again.pdf_generated_at) == first
    # Even forced: the printed content is unchanged, so the signed file stays byte for byte.
    forced = certificate_pdf_generate(certificate_id=certificate.pk, force=True)
    assert (forced.pdf.name, forced.pdf_generated_at) == (first[0], first[2])
    assert forced.pdf.read() == signed
    folder = Path(default_storage.path(first[0])).parent
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(certificate.number)) == [
        f"{certificate.number}.pdf"
    ]


def test_revoking_leaves_the_signed_pdf_as_it_was(association_user, django_capture_on_commit_callbacks):
    """The signed certificate is never changed by a later state change (issue 19): /verify/, the admin and
    the portal say the current state. Before, revoking enqueued a reprint with a "revoked" banner."""
    certificate = _issue(association_user, django_capture_on_commit_callbacks)
    signed = certificate.pdf.read()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        certificate_revoke(certificate=certificate, by=association_user, reason="证书涂改")
    # After commit the revoke only forgets the cached public page: no PDF is asked for.
    assert [c.__qualname__.split(".")[0] for c in callbacks] == ["_end"]
    assert not certificates_pdf_outdated().exists()
    call_command("generate_missing_pdfs", stdout=io.StringIO())
    certificate.refresh_from_db()
    assert (certificate.state, certificate.pdf_state) == ("revoked", "valid")
    assert certificate.pdf.read() == signed


@needs_poppler
def test_a_pdf_first_made_after_the_certificate_ended_prints_that_state(association_user, tmp_path):
    """No clean-looking signed copy of an ended certificate: one whose PDF was never made (a broker down
    at issue, then revoked) is printed with the revoked banner when the sweep makes it."""
    certificate = RegistrationCertificateFactory(projects=[MetrologyProjectFactory()])
    certificate_revoke(certificate=certificate, by=association_user, reason="证书涂改")
    assert list(certificates_pdf_outdated()) == [certificate]
    call_command("generate_missing_pdfs", stdout=io.StringIO())
    certificate.refresh_from_db()
    assert certificate.pdf_state == "revoked"
    assert "已撤销" in _pdf_text(certificate, tmp_path)


def test_a_change_supersedes_the_old_certificate_and_keeps_both_signed_pdfs(
    association_user, django_capture_on_commit_callbacks
):
    old = _issue(association_user, django_capture_on_commit_callbacks)
    signed = old.pdf.read()
    change = ApplicationFactory(
        approved=True,
        kind=ApplicationKind.CHANGE_EMPLOYER_NAME,
        person=old.person,
        employer=old.employer,
        level=old.level,
        target_certificate=old,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_issue(application=change, by=association_user)
    old.refresh_from_db()
    new = RegistrationCertificate.objects.get(application=change)
    assert (old.state, old.pdf_state) == ("superseded", "valid")  # as signed
    assert old.pdf.read() == signed
    assert (new.state, new.pdf_state) == ("valid", "valid")
    assert new.verification_token != old.verification_token


def test_a_broker_that_is_down_does_not_undo_the_issue_and_the_sweep_catches_up(
    association_user, django_capture_on_commit_callbacks, caplog
):
    with broker_unreachable():
        certificate = _issue(association_user, django_capture_on_commit_callbacks)
    assert certificate.application.state == "issued"
    assert not certificate.pdf
    # Logged as not enqueued: tried and refused, or skipped because an earlier enqueue found it down.
    assert f"registry.generate_certificate_pdf{{'certificate_id': {certificate.pk}}}" in caplog.text
    assert "a sweep will do it" in caplog.text
    assert list(certificates_pdf_outdated()) == [certificate]
    call_command("generate_missing_pdfs", stdout=io.StringIO())
    certificate.refresh_from_db()
    assert certificate.pdf
    assert certificate.pdf_state == "valid"


def test_a_character_the_font_lacks_is_recorded_and_told_to_staff_once(
    django_capture_on_commit_callbacks, caplog
):
    staff = UserFactory(role=Role.ASSOCIATION, email="staff@example.cn")
    certificate = _issue(staff, django_capture_on_commit_callbacks, person__name="王䶮")
    assert not certificate.pdf
    assert "U+4DAE" in certificate.pdf_error
    assert "PDF cannot be generated" in caplog.text
    certificate_pdf_generate(certificate_id=certificate.pk)  # a retry changes nothing and sends nothing
    failures = [m for m in mail.outbox if m.to == ["staff@example.cn"] and "PDF" in m.subject]
    assert len(failures) == 1
    assert certificate.number in failures[0].subject
    assert not certificates_pdf_outdated().exists()  # the sweep leaves it until someone regenerates


def test_the_document_takes_the_photo_material_and_the_token_url(association_user, settings):
    settings.SITE_URL = "https://registry.example.cn"
    certificate = RegistrationCertificateFactory(
        projects=[MetrologyProjectFactory(code="0101", name="量块检定")]
    )
    assert certificate_document(certificate).photo is None
    Material.objects.create(  # as attached while the application was a draft
        application=certificate.application,
        kind="photo",
        file=ContentFile(sample_photo(), name="photo.jpg"),
        checksum="0" * 64,
    )
    doc = certificate_document(certificate)
    assert doc.photo == sample_photo()
    assert doc.id_number == certificate.person.masked_id_number  # printed masked, never in full
    # The token URL, with the signed payload in its fragment (docs/decisions/0103).
    assert doc.verification_url.startswith(
        f"https://registry.example.cn/verify/{certificate.verification_token}/#hl1."
    )
    assert [(p.code, p.name) for p in doc.projects] == [("0101", "量块检定")]


@needs_poppler
def test_the_qr_code_in_the_generated_pdf_carries_the_token_url(tmp_path):
    """Sample the page at 300 dpi at the centre of every QR module, as the phase-1 layout test does."""
    certificate = certificate_pdf_generate(certificate_id=RegistrationCertificateFactory().pk)
    url = certificate_document(certificate).verification_url  # the token URL and its signed fragment
    assert url.startswith(f"{verification_url(certificate.verification_token)}#hl1.")
    count, mismatches = printed_qr_mismatches(certificate.pdf.open("rb").read(), tmp_path, url)
    assert count > 21  # a real symbol (a 21-module QR could not hold the token URL and its fragment)
    assert mismatches == 0


# --- downloads ---------------------------------------------------------------------------------------


def test_staff_download_the_pdf_from_the_admin_generated_if_missing(client, association_user):
    certificate = RegistrationCertificateFactory()
    client.force_login(association_user)
    change = client.get(reverse("admin:registry_registrationcertificate_change", args=[certificate.pk]))
    url = reverse("admin:registry_registrationcertificate_pdf", args=[certificate.pk])
    assert url in change.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert f"{certificate.number}.pdf" in response["Content-Disposition"]


def test_the_admin_download_needs_permission_to_view_certificates(client, training_centre_user):
    certificate = RegistrationCertificateFactory()
    client.force_login(training_centre_user)
    response = client.get(reverse("admin:registry_registrationcertificate_pdf", args=[certificate.pk]))
    assert response.status_code == 403


def test_the_regenerate_action_makes_missing_pdfs_and_keeps_signed_ones(client, association_user):
    """Before signing, the action re-rendered every selected PDF; now a signed one is kept (issue 19)."""
    signed = certificate_pdf_generate(certificate_id=RegistrationCertificateFactory().pk)
    missing = RegistrationCertificateFactory()
    client.force_login(association_user)
    response = client.post(
        reverse("admin:registry_registrationcertificate_changelist"),
        {"action": "regenerate_pdfs", "_selected_action": [signed.pk, missing.pk]},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "已重新生成 1 份 PDF。" in page
    kept = RegistrationCertificate.objects.get(pk=signed.pk)
    assert (kept.pdf.name, kept.pdf_generated_at) == (signed.pdf.name, signed.pdf_generated_at)
    assert RegistrationCertificate.objects.get(pk=missing.pk).pdf


def test_the_admin_change_page_shows_the_current_state_beside_the_download(client, association_user):
    certificate = certificate_pdf_generate(certificate_id=RegistrationCertificateFactory().pk)
    certificate_revoke(certificate=certificate, by=association_user, reason="证书涂改")
    client.force_login(association_user)
    page = client.get(reverse("admin:registry_registrationcertificate_change", args=[certificate.pk]))
    link = page.content.decode().split('data-testid="certificate-pdf"')[1].split("</a>")[0]
    assert "已撤销" in link


def test_the_portal_serves_only_the_users_own_employers_certificates(client):
    mine = RegistrationCertificateFactory()
    theirs = RegistrationCertificateFactory(application__employer=EmployerFactory())
    clerk = UserFactory(role=Role.ENTERPRISE, employer=mine.employer)
    client.force_login(clerk)
    response = client.get(reverse("portal:certificate_pdf", args=[mine.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("portal:certificate_pdf", args=[theirs.pk])).status_code == 404
    assert reverse("portal:certificate_pdf", args=[mine.pk]) == f"/portal/certificates/{mine.pk}/pdf/"


def test_the_portal_download_is_for_enterprise_users_only(client, association_user):
    certificate = RegistrationCertificateFactory()
    client.force_login(UserFactory(role=Role.BUREAU))
    assert client.get(reverse("portal:certificate_pdf", args=[certificate.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("portal:certificate_pdf", args=[certificate.pk])).status_code == 302


def test_the_staff_failure_notice_never_carries_a_resident_id(django_capture_on_commit_callbacks):
    UserFactory(role=Role.ASSOCIATION, email="staff@example.cn")
    certificate = _issue(
        UserFactory(role=Role.ASSOCIATION), django_capture_on_commit_callbacks, person__name="王䶮"
    )
    for log in NotificationLog.objects.all():
        assert certificate.person.id_number not in log.body
    for message in mail.outbox:
        assert certificate.person.id_number not in message.body
