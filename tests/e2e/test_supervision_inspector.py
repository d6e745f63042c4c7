"""An inspector on site with a phone (390 × 844): opens the check assigned to them, records a finding
with a note and a photo, completes the check and orders a revocation; no page is wider than the screen."""

import datetime as dt

import pytest

from accounts.roles import Role
from supervision.models import CheckResult, CheckState, MeasureKind, MeasureState
from tests.e2e.conftest import login
from tests.factories import CheckFactory, RegistrationCertificateFactory, UserFactory
from tests.portal_files import photo_png

pytestmark = pytest.mark.django_db(transaction=True)
ITEMS = ("trading", "renting", "affiliation", "altering", "beyond_scope")


def _page_fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_an_inspector_records_a_finding_and_orders_a_revocation_on_a_phone(page):
    certificate = RegistrationCertificateFactory()
    inspector = UserFactory(username="e2e-inspector", role=Role.INSPECTOR)
    check = CheckFactory(
        employer=certificate.employer, inspectors=[inspector, UserFactory(role=Role.INSPECTOR)]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "e2e-inspector")

    page.goto("/supervision/checks/")
    assert _page_fits(page)
    page.get_by_test_id(f"check-{check.pk}").get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("certificates").inner_text().count(certificate.number) == 1
    assert _page_fits(page)

    # The checklist: one problem found, with its note and the certificate concerned.
    for item in ITEMS:
        answer = "found" if item == "renting" else "not_found"
        page.locator(f'input[name="{item}-found"][value="{answer}"]').check()
    page.locator('textarea[name="renting-note"]').fill("持证人证书出租给本企业，本人未在岗")
    page.locator('select[name="renting-certificate"]').select_option(str(certificate.pk))
    page.locator('input[name="checked_on"]').fill(dt.date.today().isoformat())
    page.get_by_test_id("save-checklist").click()
    page.wait_for_load_state("networkidle")
    assert check.findings.get(item="renting").found

    # A photo taken on site, for that item.
    page.locator('input[name="files"]').set_input_files(
        [{"name": "现场照片.png", "mimeType": "image/png", "buffer": photo_png()}]
    )
    page.locator('select[name="item"]').select_option("renting")
    page.get_by_test_id("upload-evidence").click()
    page.wait_for_load_state("networkidle")
    assert "现场照片.png" in page.get_by_test_id("evidence").inner_text()
    assert _page_fits(page)

    page.get_by_test_id("complete-check").click()
    page.wait_for_load_state("networkidle")
    check.refresh_from_db()
    assert (check.state, check.result) == (CheckState.COMPLETED, CheckResult.PROBLEMS)
    assert page.get_by_test_id("findings").is_visible()
    assert _page_fits(page)

    # The revocation is ordered; the association carries it out in the registry.
    form = page.get_by_test_id("measure-form")
    form.locator('select[name="kind"]').select_option(MeasureKind.REVOCATION)
    form.locator('textarea[name="description"]').fill("出租注册证，依规撤销注册")
    form.locator('select[name="certificate"]').select_option(str(certificate.pk))
    page.get_by_test_id("order-measure").click()
    page.wait_for_load_state("networkidle")
    measure = check.measures.get()
    assert (measure.kind, measure.state, measure.certificate_id) == (
        MeasureKind.REVOCATION,
        MeasureState.OPEN,
        certificate.pk,
    )
    assert page.get_by_test_id(f"measure-state-{measure.pk}").is_visible()
    assert _page_fits(page)

    # The same pages on a tablet and a desktop.
    for width in (768, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/supervision/checks/", f"/supervision/checks/{check.pk}/"):
            page.goto(path)
            assert _page_fits(page), (width, path)
