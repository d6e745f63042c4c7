"""Someone scans the QR code of an issued certificate: the verification page opens and says 有效."""

from urllib.parse import urlsplit

import pytest

from registry.models import RegistrationCertificate
from registry.services import applications as services
from registry.services.certificate_pdfs import certificate_document
from registry.services.certificates import certificate_revoke
from tests.factories import ApplicationFactory, MetrologyProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_qr_url_of_an_issued_certificate_shows_it_valid_then_revoked(page, settings, live_server):
    settings.SITE_URL = live_server.url
    application = ApplicationFactory(
        approved=True, person__name="王喆堃", projects=[MetrologyProjectFactory(code="0101", name="量块检定")]
    )
    services.application_issue(application=application, by=UserFactory(username="issuer"))
    certificate = RegistrationCertificate.objects.get(application=application)
    assert certificate.pdf  # produced after commit (tasks run in-process here)
    qr_url = certificate_document(certificate).verification_url  # exactly what the QR code encodes

    page.goto(urlsplit(qr_url).path)
    state = page.get_by_test_id("certificate-state")
    assert "有效" in state.inner_text()
    assert page.get_by_test_id("holder").inner_text() == "王*堃"
    assert "王喆堃" not in page.content()

    certificate_revoke(certificate=certificate, by=UserFactory(username="revoker"), reason="涂改")
    page.reload()
    assert "已撤销" in page.get_by_test_id("certificate-state").inner_text()


def test_the_number_and_name_form_on_a_phone(browser, live_server):
    certificate = RegistrationCertificate.objects.get(
        application=_issued(ApplicationFactory(approved=True, person__name="李明"))
    )
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    try:
        page.goto("/verify/")
        page.get_by_label("证书编号").fill(certificate.number)
        page.get_by_label("持证人姓名（全名）").fill("李明")
        page.get_by_role("button", name="核验").click()
        assert "有效" in page.get_by_test_id("certificate-state").inner_text()
        # The page fits the phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()


def _issued(application):
    services.application_issue(application=application, by=UserFactory(username="issuer2"))
    return application
