"""Issue 14, item 9: on submitting a batch the clerk confirms that the applicants and the employer answer
for the truth of the materials (申请人及申请单位要对申请材料的真实性负责). Without the tick nothing changes;
with it the confirmation is recorded with who and when (on the batch and in the audit trail) and shown to
staff in the admin.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from registry.models import AuditEntry, Batch
from registry.services.batches import batch_submit
from registry.workflow import ApplicationState
from tests.factories import BatchFactory, UserFactory
from tests.registry.conftest import ready_rename_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(monday):
    """A batch with one complete draft, and a clerk of its employer."""
    application = ready_rename_application()
    batch = BatchFactory(employer=application.employer)
    application.batch = batch
    application.save()
    clerk = UserFactory(username="clerk-truth", role=Role.ENTERPRISE, employer=application.employer)
    return batch, application, clerk


def _nothing_changed(batch, application) -> None:
    application.refresh_from_db()
    batch.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert batch.submitted_at is None
    assert batch.truthfulness_confirmed_by is None
    assert batch.truthfulness_confirmed_at is None
    assert not AuditEntry.objects.filter(application=application, transition="submit").exists()


@pytest.mark.parametrize(
    "posted", [{}, {"truthfulness": ""}, {"confirm": "yes"}, {"truthfulness": "", "confirm": "yes"}]
)
def test_without_the_tick_the_submission_is_refused_and_nothing_changes(ready, client, posted):
    batch, application, clerk = ready
    client.force_login(clerk)
    response = client.post(reverse("portal:batch_submit", args=[batch.pk]), posted, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("申请人及申请单位要对申请材料的真实性负责" in m for m in messages), messages
    _nothing_changed(batch, application)


@pytest.mark.parametrize("confirmed", [False, None, "on"])
def test_the_service_refuses_anything_but_a_confirmation(ready, confirmed):
    batch, application, clerk = ready
    with pytest.raises(ValidationError) as excinfo:
        batch_submit(batch=batch, by=clerk, truthfulness_confirmed=confirmed)
    assert excinfo.value.code == "truthfulness_not_confirmed"
    _nothing_changed(batch, application)


def test_with_the_tick_the_confirmation_is_recorded_with_who_and_when(ready, client):
    batch, application, clerk = ready
    client.force_login(clerk)
    page = client.get(reverse("portal:batch_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="truthfulness"' in page
    assert 'name="truthfulness" required' in page

    client.post(reverse("portal:batch_submit", args=[batch.pk]), {"truthfulness": "on", "confirm": "yes"})

    application.refresh_from_db()
    batch.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert batch.truthfulness_confirmed_by == clerk
    assert batch.truthfulness_confirmed_at == timezone.now()
    entry = AuditEntry.objects.get(application=application, transition="submit")
    assert entry.by == clerk
    assert entry.detail == {"truthfulness_undertaking": True, "batch": batch.number}


def test_staff_see_who_confirmed_in_the_admin(ready, client, association_user):
    batch, _application, clerk = ready
    batch_submit(batch=batch, by=clerk, truthfulness_confirmed=True)
    client.force_login(association_user)
    page = client.get(reverse("admin:registry_batch_change", args=[batch.pk])).content.decode()
    assert clerk.username in page or (clerk.get_full_name() and clerk.get_full_name() in page)
    listing = client.get(reverse("admin:registry_batch_changelist")).content.decode()
    assert str(Batch.objects.get(pk=batch.pk).truthfulness_confirmed_by) in listing


def test_an_empty_submission_records_no_confirmation(ready):
    batch, _application, clerk = ready
    batch_submit(batch=batch, by=clerk, truthfulness_confirmed=True)
    other = BatchFactory(employer=batch.employer)
    assert batch_submit(batch=other, by=clerk, truthfulness_confirmed=True).submitted == []
    other.refresh_from_db()
    assert other.truthfulness_confirmed_by is None
