"""A full resident ID number typed into an admin select box never travels in a URL: the page sends the
masked form (static/js/admin-id-search.js) and the person is still found."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.roles import Role
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(page, live_server, user) -> None:
    """The session made server-side (no password typed: survives any sign-in flow)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_full_number_in_the_person_select_box_is_sent_masked_and_finds_the_person(page, live_server):
    person = PersonFactory(name="欧阳修远")
    PersonFactory(name="别的人")
    _signed_in(page, live_server, UserFactory(username="e2e-assoc", role=Role.ASSOCIATION))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto("/admin/registry/application/add/")
    page.locator("#id_person").locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-search__field").fill(person.id_number)
    page.locator(".select2-results__option", has_text="欧阳修远").wait_for()

    autocomplete = [url for url in requests if "/autocomplete/" in url]
    assert autocomplete
    assert not [url for url in requests if person.id_number in url or person.id_number[6:14] in url]
    masked = person.masked_id_number
    assert any(masked in url.replace("%2A", "*") for url in autocomplete), autocomplete
    assert page.locator(".select2-results__option", has_text="别的人").count() == 0
