"""Issue 14, item 5: a certificate keeps the employer's name it was issued with.

Renaming the employer (recorded by staff through the rename view, which writes EmployerNameChange) reprints
no certificate; the new name reaches a certificate only when a change-of-employer-name application is
issued, which issues a new certificate under it.
"""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from people.models import EmployerNameChange
from registry.models import RegistrationCertificate
from registry.services import applications as services
from registry.services.certificate_pdfs import certificate_pdf_generate
from registry.workflow import ApplicationKind, CertificateState
from tests.factories import (
    ApplicationFactory,
    EmployerFactory,
    MetrologyProjectFactory,
)
from tests.registry.conftest import at

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OLD, NEW = "哈尔滨甲仪表厂", "哈尔滨乙仪表有限公司"


def _issue(application, by, capture) -> RegistrationCertificate:
    with capture(execute=True):
        services.application_issue(application=application, by=by)
    return RegistrationCertificate.objects.get(application=application)


def _pdf_text(certificate: RegistrationCertificate, tmp_path: Path) -> str:
    certificate = certificate_pdf_generate(certificate_id=certificate.pk, force=True)
    path = tmp_path / f"{certificate.pk}.pdf"
    with certificate.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


@needs_poppler
def test_a_certificate_keeps_the_employer_name_it_was_issued_with(
    client, association_user, django_capture_on_commit_callbacks, tmp_path
):
    employer = EmployerFactory(name=OLD)
    with time_machine.travel(at(dt.date(2026, 3, 2)), tick=False):
        application = ApplicationFactory(
            approved=True, employer=employer, projects=[MetrologyProjectFactory()]
        )
        certificate = _issue(application, association_user, django_capture_on_commit_callbacks)
    assert certificate.employer_name == OLD

    with time_machine.travel(at(dt.date(2026, 6, 1)), tick=False):
        # Staff record the rename in the admin: the history is written, no certificate changes.
        client.force_login(association_user)
        response = client.post(
            reverse("admin:people_employer_rename", args=[employer.pk]),
            {"new_name": NEW, "changed_on": "2026-06-01"},
        )
        assert response.status_code == 302
        assert EmployerNameChange.objects.filter(employer=employer, old_name=OLD, new_name=NEW).exists()
        certificate.refresh_from_db()
        assert certificate.employer_name == OLD
        text = _pdf_text(certificate, tmp_path)
        assert OLD in text
        assert NEW not in text
        page = Client().get(reverse("verify:token", args=[certificate.verification_token])).content.decode()
        assert OLD in page
        assert NEW not in page

        # The change-of-employer-name application, once issued, writes the new name on a new certificate.
        rename = ApplicationFactory(
            kind=ApplicationKind.CHANGE_EMPLOYER_NAME,
            approved=True,
            person=certificate.person,
            employer=employer,
            level=certificate.level,
            target_certificate=certificate,
        )
        new_certificate = _issue(rename, association_user, django_capture_on_commit_callbacks)
    assert new_certificate.employer_name == NEW
    assert new_certificate.previous_id == certificate.pk
    assert NEW in _pdf_text(new_certificate, tmp_path)
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.SUPERSEDED
    superseded = _pdf_text(certificate, tmp_path)
    assert OLD in superseded
    assert NEW not in superseded


def test_the_employer_name_cannot_be_typed_over_on_the_employer_page(client, association_user):
    """A direct edit is not possible: the name is read-only there and the page points to the rename view."""
    employer = EmployerFactory(name=OLD)
    client.force_login(association_user)
    page = client.get(reverse("admin:people_employer_change", args=[employer.pk])).content.decode()
    assert 'name="name"' not in page
    assert reverse("admin:people_employer_rename", args=[employer.pk]) in page
