"""A clerk records continuing education through the real pages: an activity for 3 staff by form, another
for 30 by spreadsheet (a file with a bad row first, which saves nothing); association staff confirm all
but one in the admin and reject that one with a reason; the clerk reads the decisions and the yearly
compliance list with the shortfall; every page fits a phone, a tablet and a desktop.

Elements are found by their names and test ids, not their Chinese labels, so the walk holds before and
after the catalogue is filled."""

import datetime as dt
import re

import pytest

from accounts.roles import Role
from tests.e2e.conftest import login
from tests.factories import EmployerFactory, PersonFactory, RegistrationCertificateFactory, UserFactory
from tests.otp import verified_session_cookie
from tests.portal_files import pdf_bytes
from tests.training.portal import xlsx
from training.models import Participation

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 768, 1366)


def _holder(employer, name):
    return RegistrationCertificateFactory(
        application__employer=employer,
        application__person=PersonFactory(name=name),
        issued_on=dt.date(2025, 1, 1),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2029, 12, 31),
    ).person


def _record_activity(page, title, hours, ends_on):
    page.goto("/portal/continuing-education/")
    page.get_by_test_id("activity-add").click()
    form = page.get_by_test_id("activity-form")
    form.locator("[name=title]").fill(title)
    form.locator("[name=kind]").select_option("course")
    form.locator("[name=organiser]").fill("黑龙江省计量协会")
    form.locator("[name=starts_on]").fill(ends_on)
    form.locator("[name=ends_on]").fill(ends_on)
    form.locator("[name=place]").fill("哈尔滨")
    form.locator("[name=hours]").fill(hours)
    form.locator("[name=subject][value=professional]").check()
    form.locator("[name=attendance_list]").set_input_files(
        {"name": "签到表.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/continuing-education/activities/\d+/participants/$"))
    return int(re.search(r"/activities/(\d+)/", page.url).group(1))


def _fits(page, path):
    """At each width the page itself never scrolls sideways (wide tables scroll inside their wrapper)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px too wide at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_clerk_records_hours_by_form_and_spreadsheet_and_reads_the_shortfall(page, live_server):
    employer = EmployerFactory(name="齐齐哈尔衡器有限公司")
    UserFactory(username="qqhr_clerk", role=Role.ENTERPRISE, employer=employer)
    by_form = [_holder(employer, n) for n in ("赵一", "钱二", "孙三")]
    by_sheet = [_holder(employer, f"李{n:02d}") for n in range(30)]

    login(page, "qqhr_clerk")
    page.locator("nav a[href='/portal/continuing-education/']").click()

    # Three staff by form; one attended only part of the activity.
    first = _record_activity(page, "计量法律法规培训班", "60", "2026-09-10")
    for person in by_form:
        page.locator(f"[name=take-{person.pk}]").check()
    page.locator(f"[name=hours-{by_form[2].pk}]").fill("３０")  # full-width, as typed in Chinese
    page.locator(f"[name=evidence-{by_form[0].pk}]").set_input_files(
        {"name": "证明.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_test_id("participants-form").locator("button[type=submit]").click()
    page.wait_for_url(f"**/continuing-education/activities/{first}/")
    assert page.get_by_test_id("entries").locator("tbody tr").count() == 3

    # Thirty by spreadsheet: a file with one bad row first, which saves nobody.
    second = _record_activity(page, "压力计量技术研修班", "30", "2026-10-15")
    page.goto(f"/portal/continuing-education/activities/{second}/")
    rows = [[p.name, p.id_number, 30] for p in by_sheet]
    bad = [*rows[:3], ["王错名", by_sheet[3].id_number, 30], *rows[4:]]
    upload = page.get_by_test_id("sheet-upload")
    upload.locator("input[type=file]").set_input_files(
        {"name": "参加人员.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(bad)}
    )
    upload.locator("button[type=submit]").click()
    page.get_by_test_id("sheet-error-row-5").wait_for()
    assert page.get_by_test_id("sheet-save").count() == 0
    assert not Participation.objects.filter(activity_id=second).exists()

    page.locator("form[action$='/spreadsheet/'] input[type=file]").set_input_files(
        {"name": "参加人员.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(rows)}
    )
    page.locator("form[action$='/spreadsheet/'] button[type=submit]").click()
    page.get_by_test_id("sheet-save").click()
    page.wait_for_url(f"**/continuing-education/activities/{second}/")
    assert Participation.objects.filter(activity_id=second).count() == 30

    # The association decides in the admin: everything confirmed but one of the form's, which is rejected.
    rejected = Participation.objects.get(activity_id=first, person=by_form[1])
    page.context.clear_cookies()
    cookie = verified_session_cookie(UserFactory(username="e2e-ce-staff", role=Role.ASSOCIATION))
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto("/admin/training/participation/?state__exact=recorded")
    page.locator("#action-toggle").check()
    page.locator(f"input.action-select[value='{rejected.pk}']").uncheck()
    page.locator("select[name=action]").select_option("confirm_selected")
    page.locator("button[name=index], input[name=index]").first.click()
    page.wait_for_load_state("networkidle")
    page.goto("/admin/training/participation/?state__exact=recorded")
    page.locator(f"input.action-select[value='{rejected.pk}']").check()
    page.locator("select[name=action]").select_option("reject_selected")
    page.locator("button[name=index], input[name=index]").first.click()
    page.locator("textarea[name=reason]").fill("学习证明与活动不符")
    page.locator("form input[type=submit].default").click()
    page.wait_for_load_state("networkidle")
    assert Participation.objects.filter(state="confirmed").count() == 32
    rejected.refresh_from_db()
    assert (rejected.state, rejected.rejection_reason) == ("rejected", "学习证明与活动不符")

    page.context.clear_cookies()
    login(page, "qqhr_clerk")
    page.goto("/portal/continuing-education/?year=2026")
    assert "学习证明与活动不符" in page.get_by_test_id(f"reason-{rejected.pk}").inner_text()

    page.goto("/portal/continuing-education/compliance/?year=2026")
    # 赵一 60 h, 孙三 30 h, 钱二 nothing counted (rejected), the thirty 30 h each: all short of 90.
    assert page.get_by_test_id("compliance").locator("tbody tr").count() == 33
    assert page.get_by_test_id(f"shortfall-{by_form[1].pk}").is_visible()
    first_row = page.get_by_test_id("compliance").locator("tbody tr").first
    assert first_row.get_attribute("data-testid") == f"holder-{by_form[1].pk}"  # the largest shortfall first

    for path in (
        "/portal/continuing-education/?year=2026",
        "/portal/continuing-education/compliance/?year=2026",
        f"/portal/continuing-education/activities/{first}/",
        f"/portal/continuing-education/activities/{second}/participants/",
        "/portal/continuing-education/activities/add/",
        f"/portal/continuing-education/entries/{rejected.pk}/",
    ):
        _fits(page, path)
