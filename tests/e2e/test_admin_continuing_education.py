"""Association staff in the browser: an attendance list with a bad row is refused whole, the corrected one
saved; one entry confirmed, one rejected with a reason; the compliance list shows the shortfall, and on a
phone its table scrolls inside its box rather than widening the page."""

import io

import pytest
from openpyxl import Workbook

from accounts.roles import Role
from tests.factories import UserFactory
from tests.otp import verified_session_cookie
from tests.training.admin_helpers import activity, holder
from training.models import Participation, ParticipationState

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(page, live_server, user) -> None:
    cookie = verified_session_cookie(user)
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _sheet(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "公民身份号码", "学时"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(page, act, content: bytes) -> None:
    page.goto(f"/admin/training/activity/{act.pk}/attendance/import/")
    page.locator("input[type=file]").set_input_files(
        {"name": "名单.xlsx", "mimeType": "application/octet-stream", "buffer": content}
    )
    page.locator("form[enctype] input[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_association_imports_decides_and_reads_the_compliance_list(page, live_server):
    from playwright.sync_api import expect

    act = activity(hours="30")
    first, second = holder().person, holder().person
    _signed_in(page, live_server, UserFactory(username="e2e-ce-assoc", role=Role.ASSOCIATION))

    _upload(page, act, _sheet([(first.name, first.id_number, 30), ("错名", second.id_number, 30)]))
    expect(page.get_by_test_id("import-errors")).to_contain_text("3")
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)
    assert not Participation.objects.exists()

    _upload(page, act, _sheet([(first.name, first.id_number, 30), (second.name, second.id_number, 30)]))
    expect(page.get_by_test_id("import-preview")).to_contain_text(first.masked_id_number)
    page.get_by_test_id("import-confirm").click()
    page.wait_for_load_state("networkidle")
    assert Participation.objects.count() == 2

    page.goto("/admin/training/participation/?q=" + first.name)
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("confirm_selected")
    page.locator("button[name=index], input[name=index]").first.click()
    page.wait_for_load_state("networkidle")

    page.goto("/admin/training/participation/?q=" + second.name)
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("reject_selected")
    page.locator("button[name=index], input[name=index]").first.click()
    page.locator("textarea[name=reason]").fill("签到表无本人签名")
    page.locator("form input[type=submit].default").click()
    page.wait_for_load_state("networkidle")
    states = dict(Participation.objects.values_list("person_id", "state"))
    assert states == {first.pk: ParticipationState.CONFIRMED, second.pk: ParticipationState.REJECTED}

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/admin/training/participation/compliance/?year=2026")
    table = page.get_by_test_id("compliance-table")
    expect(table).to_contain_text(first.masked_id_number)
    expect(table).to_contain_text("60")  # 30 confirmed of 90: 60 more needed
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390 + 1
