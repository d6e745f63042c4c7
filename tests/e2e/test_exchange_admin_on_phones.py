"""The association's API pages on a phone, a tablet and a desktop (issue 20): a new key wraps inside the
page and its copy button puts it on the clipboard; a partner's submission is accepted from its own page,
which says first whether the holder is on record under the same name."""

import pytest

from accounts.roles import Role
from exchange.models import InboundCertificate, Scope
from tests.factories import MetrologyProjectFactory, PersonFactory, UserFactory
from tests.factories.exchange import InboundCertificateFactory, PartnerFactory
from tests.otp import verified_session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, name: str) -> None:
    cookie = verified_session_cookie(UserFactory(username=name, role=Role.ASSOCIATION))
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("width", [390, 768, 1366])
def test_a_new_key_fits_the_page_and_is_copied_with_one_click(page, live_server, width):
    from playwright.sync_api import expect

    partner = PartnerFactory(name="上海市计量协会注册平台", scopes=[Scope.VERIFY_READ])
    _sign_in(page, live_server, f"e2e-key-{width}")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/admin/exchange/partner/{partner.pk}/issue-key/")
    page.get_by_role("button", name="签发").click()
    key = page.get_by_test_id("api-key").inner_text().strip()
    assert key.startswith("hlj_")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    copy = page.get_by_role("button", name="复制密钥")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.get_by_role("button", name="已复制")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key


@pytest.mark.parametrize("width", [390, 1366])
def test_a_submission_is_accepted_from_its_own_page(page, live_server, width):
    from playwright.sync_api import expect

    project = MetrologyProjectFactory(code="12.401", name="衡器检定")
    person = PersonFactory(name="李明")
    inbound = InboundCertificateFactory(holder_id_number=person.id_number, projects=[project.code])
    _sign_in(page, live_server, f"e2e-inbound-{width}")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/admin/exchange/inboundcertificate/{inbound.pk}/change/")
    expect(page.get_by_text("12.401 衡器检定")).to_be_visible()
    expect(page.get_by_role("link", name="李明")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.get_by_test_id("decide").get_by_role("button", name="认可", exact=True).click()
    expect(page.locator(".messagelist .success")).to_have_text("已认可: 1")
    inbound.refresh_from_db()
    assert inbound.state == InboundCertificate.State.ACCEPTED
