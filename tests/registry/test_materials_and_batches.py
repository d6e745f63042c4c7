import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from registry.materials import REQUIRED_MATERIALS, missing_materials
from registry.models import Material
from registry.selectors import application_missing_materials
from registry.services.batches import batch_submit
from registry.services.materials import material_attach
from registry.workflow import ApplicationKind, ApplicationState
from tests.factories import ApplicationFactory, BatchFactory
from tests.registry.conftest import ready_rename_application

pytestmark = pytest.mark.django_db


def test_every_kind_has_a_checklist():
    assert set(REQUIRED_MATERIALS) == set(ApplicationKind.values)
    assert missing_materials("initial", {"application_form": 1}) == {
        "qualification_certificate": 1,
        "assessment_certificate": 1,
        "photo": 1,
    }


@pytest.mark.parametrize("kind", [k for k, needed in REQUIRED_MATERIALS.items() if "photo" in needed])
def test_one_photo_upload_serves_for_the_two_paper_copies(kind):
    """The plan asks for two copies of the same 2-inch photo: one upload is enough, none is not."""
    assert REQUIRED_MATERIALS[kind]["photo"] == 1
    assert "photo" not in missing_materials(kind, {"photo": 1})
    assert missing_materials(kind, {"photo": 0})["photo"] == 1


def test_attach_stores_checksum_and_uploader(association_user):
    application = ApplicationFactory()
    material = material_attach(
        application=application,
        kind="photo",
        file=ContentFile(b"photo-bytes", name="a.jpg"),
        by=association_user,
    )
    assert material.checksum == hashlib.sha256(b"photo-bytes").hexdigest()
    assert material.uploaded_by == association_user
    assert material.size == len(b"photo-bytes")
    assert material.file.read() == b"photo-bytes"


def test_a_single_file_kind_is_replaced_a_multi_file_kind_added(
    association_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    first = material_attach(
        application=application, kind="application_form", file=ContentFile(b"1", name="f.pdf"), by=None
    )
    old_name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        material_attach(
            application=application, kind="application_form", file=ContentFile(b"2", name="f.pdf"), by=None
        )
    assert Material.objects.filter(application=application, kind="application_form").count() == 1
    assert not first.file.storage.exists(old_name)
    material_attach(application=application, kind="photo", file=ContentFile(b"a", name="a.jpg"), by=None)
    material_attach(application=application, kind="photo", file=ContentFile(b"b", name="b.jpg"), by=None)
    assert application_missing_materials(application=application).get("photo") is None


def test_materials_are_frozen_once_submitted():
    application = ApplicationFactory(submitted=True)
    with pytest.raises(ValidationError):
        material_attach(application=application, kind="photo", file=ContentFile(b"x", name="x.jpg"), by=None)
    assert not Material.objects.exists()


def test_batch_submits_the_complete_and_reports_the_rest(
    monday, association_user, django_assert_max_num_queries
):
    complete = [ready_rename_application() for _ in range(3)]
    batch = BatchFactory(employer=complete[0].employer)
    incomplete = ApplicationFactory(employer=batch.employer, batch=batch, kind=ApplicationKind.CANCELLATION)
    for application in complete:
        application.batch = batch
        application.save()
    result = batch_submit(batch=batch, by=association_user, truthfulness_confirmed=True)
    assert sorted(a.pk for a in result.submitted) == sorted(a.pk for a in complete)
    assert list(result.incomplete) == [incomplete]
    assert any("申请表" in m or "Application form" in m for m in result.incomplete[incomplete])
    incomplete.refresh_from_db()
    assert incomplete.state == ApplicationState.DRAFT
    batch.refresh_from_db()
    assert batch.submitted_at is not None
    for application in complete:
        application.refresh_from_db()
        assert application.state == ApplicationState.SUBMITTED
