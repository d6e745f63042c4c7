"""Every download of a stored file — materials and certificate PDFs, in the portal and the admin — is an
audit event naming the file by its application or certificate, never by the uploaded file's name."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.roles import Role
from audit.models import Action, AuditEvent
from registry.services.materials import material_attach
from tests.factories import ApplicationFactory, EmployerFactory, RegistrationCertificateFactory, UserFactory
from tests.portal_files import pdf_bytes

pytestmark = pytest.mark.django_db


def downloads():
    return AuditEvent.objects.filter(action=Action.DOWNLOADED).order_by("pk")


@pytest.fixture
def material():
    application = ApplicationFactory()
    person = application.person
    # A clerk named the scan after the person's ID number: it must not reach the audit trail.
    return material_attach(
        application=application,
        kind="application_form",
        file=ContentFile(pdf_bytes(), name=f"{person.id_number}.pdf"),
        by=None,
    )


def test_a_portal_material_download_is_recorded_without_the_file_name(client, material):
    clerk = UserFactory(role=Role.ENTERPRISE, employer=material.application.employer)
    client.force_login(clerk)

    response = client.get(reverse("portal:material_download", args=[material.pk]))

    assert response.status_code == 200
    event = downloads().get()
    assert (event.actor, event.ip, event.target_type, event.target_id) == (
        clerk,
        "127.0.0.1",
        "registry.material",
        str(material.pk),
    )
    assert event.detail == {
        "file": "material",
        "kind": "application_form",
        "application": material.application.number,
    }
    number = material.application.person.id_number
    assert number not in event.target_label
    assert number not in str(event.detail)


def test_another_employers_material_is_not_found_and_not_recorded(client, material):
    client.force_login(UserFactory(role=Role.ENTERPRISE, employer=EmployerFactory()))
    assert client.get(reverse("portal:material_download", args=[material.pk])).status_code == 404
    assert not downloads().exists()


def test_a_staff_material_download_is_recorded(client, association_user, material):
    client.force_login(association_user)
    url = reverse("admin:registry_application_material_download", args=[material.application_id, material.pk])

    assert client.get(url).status_code == 200

    assert downloads().get().actor == association_user


def test_a_missing_file_is_not_found_and_not_recorded(client, association_user, material):
    material.file.storage.delete(material.file.name)
    client.force_login(association_user)
    url = reverse("admin:registry_application_material_download", args=[material.application_id, material.pk])

    assert client.get(url).status_code == 404
    assert not downloads().exists()


def test_certificate_pdf_downloads_are_recorded_in_the_portal_and_the_admin(client, association_user):
    certificate = RegistrationCertificateFactory()
    clerk = UserFactory(role=Role.ENTERPRISE, employer=certificate.employer)

    client.force_login(clerk)
    assert client.get(reverse("portal:certificate_pdf", args=[certificate.pk])).status_code == 200
    client.force_login(association_user)
    assert (
        client.get(reverse("admin:registry_registrationcertificate_pdf", args=[certificate.pk])).status_code
        == 200
    )

    assert [(e.actor, e.target_label, e.detail) for e in downloads()] == [
        (clerk, certificate.number, {"file": "certificate_pdf"}),
        (association_user, certificate.number, {"file": "certificate_pdf"}),
    ]


def test_a_refused_certificate_download_is_not_recorded(client, training_centre_user):
    certificate = RegistrationCertificateFactory()
    client.force_login(training_centre_user)
    assert (
        client.get(reverse("admin:registry_registrationcertificate_pdf", args=[certificate.pk])).status_code
        == 403
    )
    assert not downloads().exists()
