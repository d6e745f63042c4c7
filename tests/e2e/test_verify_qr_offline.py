"""A bank clerk pastes the scanned QR text into /verify/offline/: the browser checks the association's
Ed25519 signature with WebCrypto and the keys in the page, with the server unreachable during the check."""

import dataclasses
from urllib.parse import urlsplit

import pytest

from registry import qr_signing
from registry.services.certificate_pdfs import certificate_document
from tests.e2e.test_content_security_policy import Watcher
from tests.factories import RegistrationCertificateFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _tampered(scanned: str) -> str:
    """The same QR text with the level raised and the original signature kept."""
    url, _hash, fragment = scanned.partition("#")
    prefix, body, signature = fragment.split(".")
    payload = qr_signing.qr_payload_decode(body)
    raised = dataclasses.replace(payload, level=1 if payload.level == 2 else 2)
    forged = qr_signing.b64encode(qr_signing.qr_payload_encode(raised).encode())
    return f"{url}#{prefix}.{forged}.{signature}"


@pytest.mark.parametrize("width", [390, 1366])
def test_the_offline_check_at_phone_and_desk_widths(browser, live_server, width):
    certificate = RegistrationCertificateFactory(application__person__name="王喆堃")
    scanned = certificate_document(certificate).verification_url
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 800}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/verify/offline/")
        page.wait_for_load_state("networkidle")
        # From here on the server is out of reach, and every attempt to reach it is recorded.
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.route("**/*", lambda route: route.abort())

        for text, verdict in [
            (scanned, "valid"),
            (_tampered(scanned), "bad_signature"),
            ("垃圾", "malformed"),
        ]:
            page.locator("#qr-text").fill(text)
            page.locator("#qr-form button[type=submit]").click()
            page.wait_for_selector(f'[data-testid="qr-check"][data-verdict="{verdict}"]')
            if verdict == "valid":
                assert page.get_by_test_id("qr-number").inner_text() == certificate.number
                assert page.get_by_test_id("qr-holder").inner_text() == "王*堃"
                assert page.get_by_test_id("qr-validity").inner_text() == (
                    f"{certificate.valid_from.isoformat()} — {certificate.valid_until.isoformat()}"
                )
                # The current state is the online page's: the link goes to the certificate's QR page.
                href = page.get_by_test_id("qr-online-link").get_attribute("href")
                assert href == urlsplit(scanned).path
            else:
                assert not page.locator("#qr-fields").is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert requests == []
        assert "王喆堃" not in page.content()
    finally:
        context.close()


def test_the_qr_page_opened_from_the_code_checks_its_own_fragment(page, live_server, settings):
    settings.SITE_URL = live_server.url
    certificate = RegistrationCertificateFactory()
    scanned = certificate_document(certificate).verification_url
    parts = urlsplit(scanned)
    page.goto(f"{parts.path}#{parts.fragment}")
    page.wait_for_selector('[data-testid="qr-check"][data-verdict="valid"]')
    assert page.get_by_test_id("qr-number").inner_text() == certificate.number
    assert "有效" in page.get_by_test_id("certificate-state").inner_text()
    assert page.get_by_test_id("elicence-identifier").text_content().startswith("1.2.156.3005.2.")

    page.goto(f"{parts.path}#{_tampered(scanned).partition('#')[2]}")
    page.reload()
    page.wait_for_selector('[data-testid="qr-check"][data-verdict="bad_signature"]')


def test_the_offline_and_keys_pages_break_no_security_policy(browser, live_server):
    """The check's script is a local file and its data are JSON blocks: nothing the CSP blocks."""
    certificate = RegistrationCertificateFactory()
    fragment = certificate_document(certificate).verification_url.partition("#")[2]
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    watcher = Watcher(context)
    page = watcher.watch(context.new_page())
    try:
        for path in ("/verify/keys/", f"/verify/offline/#{fragment}"):
            watcher.current = path
            page.goto(path, wait_until="networkidle")
        page.wait_for_selector('[data-testid="qr-check"][data-verdict="valid"]')
    finally:
        context.close()
    assert not watcher.problems, "\n".join(watcher.problems)
