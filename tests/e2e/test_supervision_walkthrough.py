"""Issue 16's walk from end to end, through the real pages of three people: the bureau creates a plan and
draws it; an inspector drawn for the check records on a 390 px phone that the certificate is lent out and
orders its revocation; association staff see the measure waiting on the admin index, carry it out, and
the public verification page says the certificate is revoked. The revocation goes through the registry's
workflow: its audit entry names the association user."""

import datetime as dt
import re

import pytest

from accounts.roles import Role
from registry.models import AuditEntry
from registry.workflow import CertificateState
from supervision.models import Check, MeasureState, Plan, PlanState
from tests.e2e.conftest import login
from tests.factories import RegistrationCertificateFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ITEMS = ("trading", "renting", "affiliation", "altering", "beyond_scope")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _sign_out(page) -> None:
    page.context.clear_cookies()


def test_plan_draw_finding_on_a_phone_and_the_association_carries_out_the_revocation(page):
    certificate = RegistrationCertificateFactory(application__employer__name="七台河市恒信仪表有限公司")
    for n in range(2):
        UserFactory(username=f"walk-insp{n}", first_name=f"检查员{n}", last_name="孙", role=Role.INSPECTOR)
    UserFactory(username="walk-bureau", role=Role.BUREAU)
    UserFactory(username="walk-assoc", role=Role.ASSOCIATION)

    # 1. The bureau: a plan of the employers holding certificates, both inspectors in the pool, drawn.
    login(page, "walk-bureau")
    page.goto("/supervision/")
    page.get_by_test_id("plan-new").click()
    form = page.get_by_test_id("plan-form")
    form.locator("[name=title]").fill("2026年第四季度注册证使用情况抽查")
    form.locator("[name=kind]").select_option("employers")
    form.locator("[name=period_start]").fill("2026-10-01")
    form.locator("[name=period_end]").fill("2026-12-31")
    form.locator("[name=sample_size]").fill("1")
    for checkbox in form.locator("[name=inspectors]").all():
        checkbox.check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/supervision/plans/\d+/$"))
    page.get_by_test_id("plan-draw").click()
    page.get_by_test_id("draw-confirm").click()
    page.wait_for_url(re.compile(r"/supervision/plans/\d+/$"))
    plan = Plan.objects.get()
    assert plan.state == PlanState.DRAWN
    check = Check.objects.get(plan=plan)
    assert check.employer_id == certificate.employer_id
    inspector = check.inspectors.order_by("username").first()
    _sign_out(page)

    # 2. An inspector drawn for it, on a phone: the finding, then the revocation ordered.
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, inspector.username)
    page.goto("/supervision/checks/")
    page.get_by_test_id(f"check-{check.pk}").get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert _fits(page)
    for item in ITEMS:
        answer = "found" if item == "renting" else "not_found"
        page.locator(f'input[name="{item}-found"][value="{answer}"]').check()
    page.locator('textarea[name="renting-note"]').fill("注册证出借给他人使用，持证人未在岗")
    page.locator('select[name="renting-certificate"]').select_option(str(certificate.pk))
    page.locator('input[name="checked_on"]').fill(dt.date.today().isoformat())
    page.get_by_test_id("save-checklist").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("complete-check").click()
    page.wait_for_load_state("networkidle")
    form = page.get_by_test_id("measure-form")
    form.locator('select[name="kind"]').select_option("revocation")
    form.locator('textarea[name="description"]').fill("出借注册证，依规撤销注册")
    form.locator('select[name="certificate"]').select_option(str(certificate.pk))
    page.get_by_test_id("order-measure").click()
    page.wait_for_load_state("networkidle")
    assert _fits(page)
    measure = check.measures.get()
    assert measure.state == MeasureState.OPEN
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID  # ordered, not yet carried out
    _sign_out(page)

    # 3. The association: the index says a measure waits; the measure is carried out in the registry.
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "walk-assoc")
    page.goto("/admin/")
    banner = page.get_by_test_id("measures-banner")
    assert "1" in banner.inner_text()
    banner.get_by_role("link").click()
    page.get_by_role("link", name="撤销注册").first.click()
    page.get_by_test_id("measure-carry-out").click()
    assert certificate.number in page.get_by_test_id("carry-out-facts").inner_text()
    page.get_by_test_id("carry-out-confirm").click()
    page.wait_for_load_state("networkidle")

    measure.refresh_from_db()
    certificate.refresh_from_db()
    assert measure.state == MeasureState.DONE
    assert certificate.state == CertificateState.REVOKED
    entry = AuditEntry.objects.get(certificate=certificate, transition="revoke")
    assert entry.by.username == "walk-assoc"
    assert "出借注册证" in certificate.end_reason
    page.goto("/admin/")
    assert page.get_by_test_id("measures-banner").count() == 0
    _sign_out(page)

    # 4. Anyone scanning the certificate's QR code reads that it is revoked.
    page.goto(f"/verify/{certificate.verification_token}/")
    assert "已撤销" in page.get_by_test_id("certificate-state").inner_text()
