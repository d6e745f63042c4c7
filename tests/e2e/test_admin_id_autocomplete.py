"""A full resident ID number typed into an admin select box never travels in a URL: the page sends the
masked form (static/js/admin-id-search.js) and the person is still found."""

import pytest

from accounts.roles import Role
from tests.factories import PersonFactory, UserFactory
from tests.otp import verified_session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(page, live_server, user) -> None:
    """The session made server-side (no password typed: survives any sign-in flow)."""
    cookie = verified_session_cookie(user)
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_full_number_in_the_person_select_box_is_sent_masked_and_finds_the_person(page, live_server):
    from playwright.sync_api import expect  # here: without playwright the `page` fixture skips the test

    person = PersonFactory(name="欧阳修远")
    PersonFactory(name="别的人")
    _signed_in(page, live_server, UserFactory(username="e2e-assoc", role=Role.ASSOCIATION))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto("/admin/registry/application/add/")
    page.locator("#id_person").locator("xpath=following-sibling::span[1]").click()
    with page.expect_request(lambda r: "/autocomplete/" in r.url and "term=" in r.url) as searched:
        page.locator(".select2-search__field").fill(person.id_number)

    assert person.masked_id_number in searched.value.url.replace("%2A", "*")
    expect(page.locator(".select2-results__option", has_text="别的人")).to_have_count(0)
    expect(page.locator(".select2-results__option", has_text="欧阳修远")).to_have_count(1)
    assert not [url for url in requests if person.id_number in url or person.id_number[6:14] in url]
