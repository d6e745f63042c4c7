"""Colleagues: an enterprise user lists and adds users of its own employer, never another's."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Colleague-2026"


def colleague_data(**overrides) -> dict:
    return {
        "username": "hrb_zhao",
        "name": "赵明",
        "phone": "13904510001",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_the_list_shows_only_the_own_employers_users_in_constant_queries(
    client, enterprise_user, django_assert_max_num_queries
):
    for n in range(5):
        UserFactory(username=f"mine{n}", role=Role.ENTERPRISE, employer=enterprise_user.employer)
    UserFactory(username="stranger", role=Role.ENTERPRISE, employer=EmployerFactory())
    client.force_login(enterprise_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portal:colleagues"))
    page = response.content.decode()
    assert "mine4" in page
    assert "clerk" in page
    assert "stranger" not in page


def test_adding_a_colleague_links_the_new_user_to_the_own_employer(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(reverse("portal:colleague_add"), colleague_data(employer=EmployerFactory().pk))
    assert response.status_code == 302
    user = User.objects.get(username="hrb_zhao")
    assert user.employer_id == enterprise_user.employer_id  # a posted employer id is ignored
    assert user.has_role(Role.ENTERPRISE)
    assert not user.is_staff
    assert user.check_password(PASSWORD)
    assert (user.get_full_name(), user.phone) == ("赵明", "13904510001")


def test_adding_a_colleague_is_audited_with_the_clerk_as_the_actor_and_no_phone_number(
    client, enterprise_user
):
    from audit.models import Action, AuditEvent

    client.force_login(enterprise_user)
    client.post(reverse("portal:colleague_add"), colleague_data())

    event = AuditEvent.objects.get(action=Action.USER_CREATED)
    assert event.actor_id == enterprise_user.pk
    assert event.target_id == str(User.objects.get(username="hrb_zhao").pk)
    assert "13904510001" not in str(event.detail)


def test_a_pending_employer_may_add_colleagues(client):
    clerk = UserFactory(username="p", role=Role.ENTERPRISE, employer=EmployerFactory(pending=True))
    client.force_login(clerk)
    client.post(reverse("portal:colleague_add"), colleague_data())
    assert User.objects.get(username="hrb_zhao").employer_id == clerk.employer_id


def test_a_suspended_employer_may_not_add_colleagues(client):
    clerk = UserFactory(username="s", role=Role.ENTERPRISE, employer=EmployerFactory(suspended=True))
    client.force_login(clerk)
    response = client.post(reverse("portal:colleague_add"), colleague_data())
    assert response.status_code == 200
    assert "暂停" in response.content.decode()
    assert not User.objects.filter(username="hrb_zhao").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "clerk"}, "username"),
        ({"phone": "0451-1234"}, "phone"),
        ({"password1": "password", "password2": "password"}, "password1"),
        ({"password2": "other-Password-1"}, "password2"),
        ({"username": "bad name!"}, "username"),
    ],
)
def test_bad_colleague_input_is_shown_at_the_field_and_saves_nothing(
    client, enterprise_user, overrides, field
):
    client.force_login(enterprise_user)
    before = User.objects.count()
    response = client.post(reverse("portal:colleague_add"), colleague_data(**overrides))
    assert field in response.context["form"].errors
    assert User.objects.count() == before


@pytest.mark.parametrize("url", ["portal:colleagues", "portal:colleague_add"])
def test_other_roles_and_unlinked_users_cannot_open_the_pages(client, bureau_user, url):
    client.force_login(bureau_user)
    assert client.get(reverse(url)).status_code == 403
    client.force_login(UserFactory(username="nolink", role=Role.ENTERPRISE))
    assert client.get(reverse(url)).status_code == 404
    client.logout()
    assert client.get(reverse(url)).status_code == 302
