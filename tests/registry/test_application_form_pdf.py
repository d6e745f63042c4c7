"""The blank application form (申请表): a printable PDF per kind, for enterprise users, linked where the
form is asked for; an unknown kind is not found."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from registry.pdf.application_form import TITLES, blank_application_form
from registry.workflow import ApplicationKind
from tests.factories import ApplicationFactory, BatchFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)"),
]


def _text(data: bytes) -> str:
    """The text a reader sees, on one line, without the spaces pdftotext puts between characters."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return out.decode().replace(" ", "").replace("\n", "")


def _pages(data: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@pytest.mark.parametrize("kind", ApplicationKind.values)
def test_every_kind_has_its_one_page_form_with_its_fields(kind):
    data = blank_application_form(kind)
    assert data.startswith(b"%PDF")
    assert _pages(data) == 1
    text = _text(data)
    assert TITLES[ApplicationKind(kind)].split("（")[0] in text
    for field in ("姓名", "居民身份证号码", "执业单位名称", "申请人签字"):
        assert field in text
    assert ("注册证编号" in text) == ApplicationKind(kind).needs_target_certificate
    assert ("计量专业项目" in text) == ApplicationKind(kind).needs_projects


def test_the_clerk_downloads_the_form_of_the_kind_asked(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("portal:application_form"), {"kind": "cancellation"})
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "注销注册申请表" in _text(response.content)
    assert "初始注册申请表" in _text(client.get(reverse("portal:application_form")).content)


@pytest.mark.parametrize("kind", ["passport", "../../etc/passwd", "initial\x00", "INITIAL", ""])
def test_an_unknown_kind_is_not_found(client, enterprise_user, kind):
    client.force_login(enterprise_user)
    assert client.get(reverse("portal:application_form"), {"kind": kind}).status_code == 404


def test_the_pages_that_ask_for_the_form_link_to_it(client, enterprise_user):
    batch = BatchFactory(employer=enterprise_user.employer)
    application = ApplicationFactory(employer=enterprise_user.employer, batch=batch, kind="renewal")
    client.force_login(enterprise_user)
    page = client.get(reverse("portal:application_detail", args=[application.pk])).content.decode()
    assert f"{reverse('portal:application_form')}?kind=renewal" in page
    page = client.get(reverse("portal:batch_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="blank-form"' in page
