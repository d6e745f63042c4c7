"""Who may upload spreadsheets in the portal, and how often (issue 11 item 3).

Only a verified employer may: an unverified sign-up could otherwise load the server with sheets and
probe the registry with them. The portal hides the action from the others and refuses it if sent anyway.
"""

import datetime as dt
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from registry.models import Application
from tests.factories import BatchFactory, EmployerFactory, PersonFactory, UserFactory
from tests.factories.exams import AssessmentCertificateFactory, MetrologyProjectFactory
from tests.portal_files import sheet_xlsx

pytestmark = pytest.mark.django_db


def clerk_of(**employer):
    return UserFactory(role=Role.ENTERPRISE, employer=EmployerFactory(**employer))


def a_sheet() -> SimpleUploadedFile:
    project = MetrologyProjectFactory()
    person = PersonFactory()
    AssessmentCertificateFactory(person=person, projects=[project], issued_on=dt.date(2025, 1, 1))
    row = [
        person.name,
        person.id_number,
        "13904510000",
        "二级",
        "ZJ-1",
        "2020-06-01",
        project.code,
        "初始注册",
    ]
    return SimpleUploadedFile("applicants.xlsx", sheet_xlsx([row]))


@pytest.fixture
def reader_must_not_run():
    with mock.patch("registry.spreadsheets.read_sheet", side_effect=AssertionError("read")) as read:
        yield read
    read.assert_not_called()


@pytest.mark.parametrize(("employer", "reason"), [({"pending": True}, "核实"), ({"suspended": True}, "暂停")])
def test_an_unverified_or_suspended_employer_cannot_upload_to_a_batch(
    client, employer, reason, reader_must_not_run
):
    clerk = clerk_of(**employer)
    batch = BatchFactory(employer=clerk.employer)
    client.force_login(clerk)

    response = client.post(reverse("portal:sheet_upload", args=[batch.pk]), {"file": a_sheet()}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("portal:batch_detail", args=[batch.pk])
    assert any(reason in str(m) for m in response.context["messages"])
    assert not Application.objects.exists()


def test_an_unverified_employer_cannot_confirm_a_sheet_either(client, reader_must_not_run):
    clerk = clerk_of(pending=True)
    batch = BatchFactory(employer=clerk.employer)
    client.force_login(clerk)

    response = client.post(reverse("portal:sheet_confirm", args=[batch.pk]), {"token": "anything"})

    assert response.url == reverse("portal:batch_detail", args=[batch.pk])
    assert not Application.objects.exists()


def test_an_unverified_employer_cannot_use_the_check_page(client, reader_must_not_run):
    clerk = clerk_of(pending=True)
    client.force_login(clerk)

    shown = client.get(reverse("portal:sheet_check"))
    posted = client.post(reverse("portal:sheet_check"), {"file": a_sheet()})

    assert shown.status_code == 200
    assert "核实" in shown.content.decode()
    assert 'type="file"' not in shown.content.decode()
    assert posted.status_code == 403
    assert posted.context["result"] is None


def test_the_portal_hides_the_spreadsheet_from_an_unverified_employer(client):
    clerk = clerk_of(pending=True)
    batch = BatchFactory(employer=clerk.employer)
    client.force_login(clerk)

    home = client.get(reverse("portal:home")).content.decode()
    detail = client.get(reverse("portal:batch_detail", args=[batch.pk])).content.decode()

    assert reverse("portal:sheet_check") not in home
    assert reverse("portal:sheet_upload", args=[batch.pk]) not in detail
    assert 'data-testid="sheet-upload-pending"' in detail


def test_a_verified_employer_sees_and_uses_the_spreadsheet(client):
    clerk = clerk_of()
    batch = BatchFactory(employer=clerk.employer)
    client.force_login(clerk)

    home = client.get(reverse("portal:home")).content.decode()
    detail = client.get(reverse("portal:batch_detail", args=[batch.pk])).content.decode()
    preview = client.post(reverse("portal:sheet_upload", args=[batch.pk]), {"file": a_sheet()})

    assert reverse("portal:sheet_check") in home
    assert reverse("portal:sheet_upload", args=[batch.pk]) in detail
    assert preview.status_code == 200
    assert preview.context["result"].ok, preview.context["result"].errors


def test_uploads_past_the_rate_are_refused_on_every_portal_path_together(client, settings):
    """One budget per user: batch uploads and the check page count together."""
    settings.REGISTRY_SHEET_UPLOAD_RATE = "2/d"
    clerk = clerk_of()
    batch = BatchFactory(employer=clerk.employer)
    client.force_login(clerk)

    assert (
        client.post(reverse("portal:sheet_upload", args=[batch.pk]), {"file": a_sheet()}).status_code == 200
    )
    assert client.post(reverse("portal:sheet_check"), {"file": a_sheet()}).status_code == 200
    with mock.patch("registry.spreadsheets.read_sheet", side_effect=AssertionError("read")) as read:
        upload = client.post(reverse("portal:sheet_upload", args=[batch.pk]), {"file": a_sheet()})
        check = client.post(reverse("portal:sheet_check"), {"file": a_sheet()})

    read.assert_not_called()
    assert (upload.status_code, check.status_code) == (429, 429)
    assert "稍后" in upload.context["refused"]
    assert "最多等待 1440 分钟" in upload.context["refused"]  # a day, from the configured rate
    assert "稍后" in " ".join(check.context["form"].errors["file"])


def test_another_clerk_of_the_same_employer_has_a_budget_of_their_own(client, settings):
    settings.REGISTRY_SHEET_UPLOAD_RATE = "1/h"
    employer = EmployerFactory()
    for username in ("clerk-1", "clerk-2"):
        client.force_login(UserFactory(username=username, role=Role.ENTERPRISE, employer=employer))
        assert client.post(reverse("portal:sheet_check"), {"file": a_sheet()}).status_code == 200
