"""Files staff upload in the admin pass the portal's content and size checks (issue 11 item 9a).

Before the fix an association user could attach `x.html` or a 25 MB file to an application, and set any
image as a person's photo (it is printed on the certificate).
"""

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from common.uploads import validate_new_material_file, validate_new_photo
from people.models import Person
from registry.models import Material
from tests.factories import PersonFactory, UserFactory
from tests.portal_files import pdf_bytes, photo_png
from tests.registry.conftest import ready_rename_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, association_user):
    client.force_login(association_user)
    return client


@pytest.fixture
def draft(db):
    return ready_rename_application()


def attach(client, application, kind, upload):
    url = reverse("admin:registry_application_attach", args=[application.pk])
    return client.post(url, {"kind": kind, "file": upload}, follow=True)


@pytest.mark.parametrize(
    ("kind", "upload", "reason"),
    [
        ("other", SimpleUploadedFile("x.html", b"<html><script>alert(1)</script></html>"), "PDF"),
        ("other", SimpleUploadedFile("x.pdf", b"<html></html>"), "PDF"),
        ("application_form", SimpleUploadedFile("form.png", pdf_bytes()), ".pdf"),
        ("photo", SimpleUploadedFile("photo.pdf", pdf_bytes()), "JPEG"),
        ("photo", SimpleUploadedFile("wide.png", photo_png(579, 413)), "竖"),
    ],
)
def test_the_admin_refuses_a_material_the_portal_would_refuse(staff, draft, kind, upload, reason):
    before = set(Material.objects.values_list("pk", flat=True))

    response = attach(staff, draft, kind, upload)

    assert response.status_code == 200
    assert reason in " ".join(str(e) for e in response.context["form"].errors["file"])
    assert set(Material.objects.values_list("pk", flat=True)) == before


def test_the_admin_refuses_a_material_over_the_size_limit(staff, draft, settings):
    settings.REGISTRY_MAX_UPLOAD_BYTES = 2048
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" * 4096)

    response = attach(staff, draft, "other", big)

    assert "上限" in " ".join(response.context["form"].errors["file"])
    assert not Material.objects.filter(kind="other").exists()


def test_the_admin_attaches_a_good_file(staff, draft):
    attach(staff, draft, "photo", SimpleUploadedFile("photo.png", photo_png()))

    assert Material.objects.filter(application=draft, kind="photo", original_name="photo.png").exists()


def person_form_data(client, person, **changes):
    url = reverse("admin:people_person_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
    data.update({"qualifications-TOTAL_FORMS": "0", "qualifications-INITIAL_FORMS": "0"})
    data.update(changes)
    return url, data


def test_a_persons_photo_set_in_the_admin_must_be_a_two_inch_photo(staff):
    person = PersonFactory()
    url, data = person_form_data(staff, person, photo=SimpleUploadedFile("x.png", b"<html></html>"))

    response = staff.post(url, data)

    assert response.status_code == 200
    assert "photo" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert not person.photo


def test_a_good_photo_is_kept_and_not_read_again_when_the_person_is_saved_later(staff):
    person = PersonFactory()
    url, data = person_form_data(staff, person, photo=SimpleUploadedFile("p.png", photo_png()))
    assert staff.post(url, data).status_code == 302
    person.refresh_from_db()
    stored = person.photo.name
    person.photo.storage.delete(stored)  # a stored file is not checked again: saving must not read it

    url, data = person_form_data(staff, person, name="张改名")
    assert staff.post(url, data).status_code == 302
    person.refresh_from_db()
    assert (person.name, person.photo.name) == ("张改名", stored)


def test_every_file_field_an_admin_form_offers_checks_the_upload(association_user):
    """Any FileField in any admin: the model field carries the upload checks, so a new admin gets them."""
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    request = RequestFactory().get("/")
    request.user = superuser
    offered = []
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.name in form.base_fields:
                offered.append(f"{model.__name__}.{field.name}")
                assert {validate_new_material_file, validate_new_photo} & set(field.validators), offered[-1]
    assert "Person.photo" in offered
    for field in (Material._meta.get_field("file"), Person._meta.get_field("photo")):
        assert {validate_new_material_file, validate_new_photo} & set(field.validators)


def test_material_validator_checks_a_new_file_and_skips_a_stored_one(draft):
    material = draft.materials.first()
    validate_new_material_file(material.file)  # stored: not read (its test content is not a real PDF)

    with pytest.raises(Exception, match="PDF"):
        validate_new_material_file(ContentFile(b"<html></html>", name="x.pdf"))


def test_a_file_name_with_a_direction_override_is_refused_wherever_the_file_comes_from():
    """Django's upload parser drops such characters from names it receives; a file handed to the checks
    any other way (a service, a script) is refused by them too."""
    from django.core.exceptions import ValidationError

    from common.uploads import validate_material_file

    with pytest.raises(ValidationError, match="文件名"):
        validate_material_file(ContentFile(pdf_bytes(), name="invoice\u202efdp.exe.pdf"))
