import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import NEVER_GRANTED, ROLE_PERMISSIONS, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_migration_creates_every_role_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_association_holds_registry_permissions_and_never_edits_audit_rows():
    perms = set(
        Group.objects.get(name=Role.ASSOCIATION).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("people", "change_employer") in perms
    assert ("people", "view_person") in perms
    assert not {tuple(p.split(".")) for p in NEVER_GRANTED} & perms


def test_enterprise_users_get_no_admin_permissions():
    assert ROLE_PERMISSIONS[Role.ENTERPRISE] == []
    assert not Group.objects.get(name=Role.ENTERPRISE).permissions.exists()


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.ASSOCIATION, "/admin/"),
        (Role.TRAINING_CENTRE, "/admin/"),
        (Role.ENTERPRISE, "/portal/"),
        (Role.BUREAU, "/reports/"),
        (Role.INSPECTOR, "/supervision/"),
    ],
)
def test_home_sends_each_role_where_it_works(client, role, target):
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).status_code == 200


def test_a_user_without_a_role_is_told_so(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("no_role")
    assert "尚未分配角色" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "url", "status"),
    # The reports answer 404 to roles that have no business knowing they exist (issue 17).
    [(Role.ENTERPRISE, "/reports/", 404), (Role.BUREAU, "/portal/", 403)],
)
def test_a_role_cannot_open_another_roles_pages(client, role, url, status):
    client.force_login(UserFactory(role=role))
    assert client.get(url).status_code == status


def test_enterprise_users_cannot_enter_the_admin(client):
    client.force_login(UserFactory(role=Role.ENTERPRISE))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_login_page_is_chinese_by_default(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录" in body
    assert 'lang="zh-hans"' in body


def test_english_is_available(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_password_change_page_works(client):
    user = UserFactory(role=Role.BUREAU)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "Qx7!longer-pass",
            "new_password2": "Qx7!longer-pass",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Qx7!longer-pass")


def test_reports_page_counts_employers_by_prefecture_in_constant_queries(client):
    """The bureau's home (the dashboard) counts employers by prefecture in queries that do not grow with
    the employers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EmployerFactory

    client.force_login(UserFactory(role=Role.BUREAU))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/reports/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    for prefecture in ("harbin", "daqing", "daqing"):
        EmployerFactory(prefecture=prefecture)
    queries()  # the first request of a session also loads the calendar and the user's groups
    few = queries()
    for prefecture in ("harbin", "jixi", "heihe", "daqing", "suihua", "harbin"):
        EmployerFactory(prefecture=prefecture)
    response = client.get("/reports/")
    assert queries() == few
    rows = {str(row["prefecture"]): row for row in response.context["employer_rows"]}
    assert rows["daqing"]["total"] == 3
    assert rows["harbin"]["active"] == 3
    assert response.context["employer_totals"]["total"] == 9
