"""Every portal URL that takes an id answers 404 for another employer's id, read or write.

The patterns are read from the URLconf, so a new portal page with an id is covered the day it is
added (and the test fails until it says which kind of object that id names).
"""

import pytest
from django.urls import reverse

from accounts.roles import Role
from registry.models import Application, Material
from registry.urls.portal import urlpatterns
from tests.factories import (
    ApplicationFactory,
    BatchFactory,
    EmployerFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.portal_files import pdf_bytes

pytestmark = pytest.mark.django_db

# URL prefix → which of the other employer's objects its <pk> names.
OBJECT_OF_PREFIX = {
    "batches/": "batch",
    "applications/": "application",
    "materials/": "material",
    "holders/": "certificate",
    "certificates/": "certificate",
    "decisions/": "decision",
}
PATTERNS_WITH_PK = [p for p in urlpatterns if "pk" in p.pattern.converters]


def _object_kind(pattern) -> str:
    route = str(pattern.pattern)
    for prefix, kind in OBJECT_OF_PREFIX.items():
        if route.startswith(prefix):
            return kind
    raise AssertionError(f"say in OBJECT_OF_PREFIX what the id of portal URL {route!r} names")


@pytest.fixture
def others():
    """Another employer's batch, draft application, material, valid certificate and written decision."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from registry.models import DecisionDocument
    from registry.services.materials import material_attach

    employer = EmployerFactory(name="别人的公司")
    batch = BatchFactory(employer=employer)
    application = ApplicationFactory(employer=employer, batch=batch)
    material = material_attach(
        application=application, kind="application_form", file=ContentFile(pdf_bytes(), name="f.pdf"), by=None
    )
    certificate = RegistrationCertificateFactory(application__employer=employer)
    decision = DecisionDocument(
        application=application,
        kind="non_acceptance",
        number=f"{application.number}-BSL",
        issued_on=timezone.localdate(),
        generated_at=timezone.now(),
    )
    decision.pdf.save("d.pdf", ContentFile(pdf_bytes()))
    return {
        "batch": batch,
        "application": application,
        "material": material,
        "certificate": certificate,
        "decision": decision,
    }


def test_every_portal_url_with_an_id_is_listed():
    names = {p.name for p in PATTERNS_WITH_PK}
    assert {
        "batch_detail",
        "application_detail",
        "material_download",
        "holder_detail",
        "decision_pdf",
    } <= names
    for pattern in PATTERNS_WITH_PK:
        _object_kind(pattern)


@pytest.mark.parametrize("pattern", PATTERNS_WITH_PK, ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_employers_id_is_not_found(client, others, pattern, method):
    clerk = UserFactory(username="nosy", role=Role.ENTERPRISE, employer=EmployerFactory(name="好奇公司"))
    client.force_login(clerk)
    target = others[_object_kind(pattern)]
    url = reverse(f"portal:{pattern.name}", kwargs={"pk": target.pk})
    before = (
        Application.objects.get(pk=others["application"].pk).state,
        Material.objects.count(),
        Application.objects.count(),
    )
    response = getattr(client, method)(
        url, {"title": "x", "kind": "cancellation", "token": "x", "reason": "x"}
    )
    if method == "get" and response.status_code == 405:  # a POST-only action: nothing to read
        return
    assert response.status_code == 404, url
    after = (
        Application.objects.get(pk=others["application"].pk).state,
        Material.objects.count(),
        Application.objects.count(),
    )
    assert after == before


@pytest.mark.parametrize("pattern", PATTERNS_WITH_PK, ids=lambda p: p.name)
def test_a_user_of_no_employer_is_refused(client, others, pattern):
    staff = UserFactory(username="assoc-portal", role=Role.ASSOCIATION)
    client.force_login(staff)
    url = reverse(f"portal:{pattern.name}", kwargs={"pk": others[_object_kind(pattern)].pk})
    assert client.post(url).status_code in (403, 404)
