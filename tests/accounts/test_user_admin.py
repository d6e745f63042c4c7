"""The user admin (issue 11, item 1): association staff manage enterprise accounts and nothing more.

The first tests reproduce the penetration test's findings: on the stock user admin the association could
make anyone a superuser, reset the superuser's password, change staff accounts' roles, permissions and
employer, and create a second association account.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from audit.models import Action, AuditEvent
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Kx9#quiet-Harbin-2026"


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def password_url(user: User) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


ADD_URL = reverse("admin:accounts_user_add")
LIST_URL = reverse("admin:accounts_user_changelist")


def enterprise_post(user: User, **overrides) -> dict:
    """The enterprise account's change form as the association's page posts it, unchanged."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "employer": user.employer_id or "",
        "is_active": "on" if user.is_active else "",
        # What Django's stock user form also required: posted so that the findings reproduce on it.
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", STRONG)


@pytest.fixture
def clerk(db):
    return UserFactory(
        username="clerk", role=Role.ENTERPRISE, employer=EmployerFactory(), phone="13904510000"
    )


@pytest.fixture
def assoc(client, association_user):
    client.force_login(association_user)
    return client


@pytest.fixture
def root(client, superuser):
    client.force_login(superuser)
    return client


def events(action: Action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- the findings, reproduced ----------------------------------------------------------------------------


def test_association_ticking_superuser_and_staff_on_an_enterprise_user_changes_neither(assoc, clerk):
    response = assoc.post(change_url(clerk), enterprise_post(clerk, is_superuser="on", is_staff="on"))

    assert response.status_code == 302
    clerk.refresh_from_db()
    assert (clerk.is_superuser, clerk.is_staff) == (False, False)
    assert clerk.role_names == {Role.ENTERPRISE}


def test_association_cannot_open_or_change_their_own_account(assoc, association_user):
    response = assoc.post(
        change_url(association_user), enterprise_post(association_user, is_superuser="on", is_staff="on")
    )

    assert response.status_code == 404
    association_user.refresh_from_db()
    assert not association_user.is_superuser


def test_association_cannot_set_the_superusers_password(assoc, superuser):
    response = assoc.post(password_url(superuser), {"password1": STRONG + "x", "password2": STRONG + "x"})

    assert response.status_code == 404
    superuser.refresh_from_db()
    assert superuser.check_password(STRONG)
    assert assoc.get(password_url(superuser)).status_code == 404


def test_association_cannot_change_a_staff_accounts_groups_permissions_or_employer(assoc):
    centre = UserFactory(username="centre2", role=Role.TRAINING_CENTRE)
    permission = Permission.objects.get(codename="delete_user")
    response = assoc.post(
        change_url(centre),
        {
            "username": "centre2",
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name=Role.ASSOCIATION).pk],
            "user_permissions": [permission.pk],
            "employer": EmployerFactory().pk,
        },
    )

    assert response.status_code == 404
    centre.refresh_from_db()
    assert set(centre.groups.values_list("name", flat=True)) == {Role.TRAINING_CENTRE}
    assert not centre.user_permissions.exists()
    assert centre.employer_id is None
    for url in (
        change_url(centre),
        password_url(centre),
        reverse("admin:accounts_user_history", args=[centre.pk]),
    ):
        assert assoc.get(url).status_code == 404


def test_association_cannot_create_a_second_association_account(assoc):
    """The attack: add an account, then give it the association role on its change page."""
    employer = EmployerFactory()
    association = Group.objects.get(name=Role.ASSOCIATION)
    assoc.post(
        ADD_URL,
        {
            "username": "xiehui3",
            "password1": STRONG,
            "password2": STRONG,
            "usable_password": "true",
            "employer": employer.pk,
            "groups": [association.pk],
            "roles": [Role.ASSOCIATION],
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    created = User.objects.get(username="xiehui3")
    assoc.post(change_url(created), enterprise_post(created, groups=[association.pk], is_staff="on"))

    created.refresh_from_db()
    assert set(created.groups.values_list("name", flat=True)) == {Role.ENTERPRISE}
    assert (created.is_staff, created.is_superuser, created.employer_id) == (False, False, employer.pk)


def test_association_changing_an_enterprise_users_groups_leaves_them_enterprise(assoc, clerk):
    assoc.post(
        change_url(clerk), enterprise_post(clerk, groups=[Group.objects.get(name=Role.ASSOCIATION).pk])
    )

    assert set(clerk.groups.values_list("name", flat=True)) == {Role.ENTERPRISE}


# --- what the association may do --------------------------------------------------------------------------


def test_association_lists_only_enterprise_accounts_in_constant_queries(
    assoc, superuser, clerk, workday_calendar
):
    UserFactory(username="centre9", role=Role.TRAINING_CENTRE)
    UserFactory(username="auditor9", role=Role.AUDITOR)
    promoted = UserFactory(username="sneaky", role=Role.ENTERPRISE, employer=clerk.employer)
    promoted.user_permissions.add(Permission.objects.get(codename="view_user"))

    def queries(count: int) -> int:
        for _ in range(count):
            UserFactory(role=Role.ENTERPRISE, employer=EmployerFactory())
        with CaptureQueriesContext(connection) as captured:
            response = assoc.get(LIST_URL)
        assert response.status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)
    shown = {user.username for user in assoc.get(LIST_URL).context["cl"].result_list}
    assert "clerk" in shown
    assert not shown & {"root", "assoc", "centre9", "auditor9", "sneaky"}


def test_the_association_sees_no_role_flag_or_permission_field(assoc, clerk):
    for url in (ADD_URL, change_url(clerk)):
        form = assoc.get(url).context["adminform"].form
        assert not set(form.fields) & {"is_superuser", "is_staff", "groups", "user_permissions", "roles"}
    assert "is_superuser" not in assoc.get(LIST_URL).content.decode()


def test_association_creates_an_enterprise_account_with_its_employer(assoc, association_user):
    employer = EmployerFactory()
    response = assoc.post(
        ADD_URL,
        {
            "username": "hrb_li",
            "password1": STRONG,
            "password2": STRONG,
            "first_name": "李明",
            "phone": "13904510002",
            "employer": employer.pk,
        },
    )

    assert response.status_code == 302
    created = User.objects.get(username="hrb_li")
    assert created.role_names == {Role.ENTERPRISE}
    assert created.employer_id == employer.pk
    assert not created.is_staff
    assert created.check_password(STRONG)
    (event,) = events(Action.USER_CREATED)
    assert (event.actor_id, event.target_id) == (association_user.pk, str(created.pk))
    assert event.detail == {"roles": ["enterprise"], "is_superuser": False, "employer": employer.pk}


def test_an_enterprise_account_without_an_employer_is_refused_at_the_field(assoc):
    response = assoc.post(ADD_URL, {"username": "hrb_wu", "password1": STRONG, "password2": STRONG})

    assert response.status_code == 200
    assert "employer" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="hrb_wu").exists()


def test_a_username_differing_only_in_case_is_refused(assoc, clerk):
    response = assoc.post(
        ADD_URL,
        {"username": "CLERK", "password1": STRONG, "password2": STRONG, "employer": clerk.employer_id},
    )

    assert response.status_code == 200
    assert "username" in response.context["adminform"].form.errors
    assert User.objects.filter(username__iexact="clerk").count() == 1


def test_association_changes_an_enterprise_accounts_profile_and_the_audit_names_fields_only(
    assoc, clerk, association_user
):
    other_employer = EmployerFactory()
    response = assoc.post(
        change_url(clerk),
        enterprise_post(clerk, phone="13904519999", email="new@example.cn", employer=other_employer.pk),
    )

    assert response.status_code == 302
    clerk.refresh_from_db()
    assert (clerk.phone, clerk.email, clerk.employer_id) == (
        "13904519999",
        "new@example.cn",
        other_employer.pk,
    )
    (event,) = events(Action.USER_CHANGED)
    assert event.actor_id == association_user.pk
    assert event.detail == {"fields": ["email", "employer", "phone"]}
    stored = str(AuditEvent.objects.values_list("detail", "target_label").get(pk=event.pk))
    assert "13904519999" not in stored
    assert "new@example.cn" not in stored


def test_association_deactivates_an_enterprise_account(assoc, clerk):
    assoc.post(change_url(clerk), enterprise_post(clerk, is_active=None))

    clerk.refresh_from_db()
    assert not clerk.is_active
    assert events(Action.USER_CHANGED)[0].detail == {"fields": ["is_active"]}


def test_association_cannot_remove_an_enterprise_accounts_employer(assoc, clerk):
    response = assoc.post(change_url(clerk), enterprise_post(clerk, employer=""))

    assert response.status_code == 200
    assert "employer" in response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert clerk.employer_id is not None
    assert not events(Action.USER_CHANGED)


def test_association_resets_an_enterprise_password_and_it_is_audited(assoc, clerk, association_user):
    assert assoc.get(password_url(clerk)).status_code == 200
    response = assoc.post(password_url(clerk), {"password1": STRONG, "password2": STRONG})

    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(STRONG)
    (event,) = events(Action.PASSWORD_SET)
    assert (event.actor_id, event.target_id, event.detail) == (association_user.pk, str(clerk.pk), {})


def test_a_weak_or_mismatched_password_is_refused_and_changes_nothing(assoc, clerk):
    for data in ({"password1": "12345678", "password2": "12345678"}, {"password1": STRONG, "password2": "x"}):
        response = assoc.post(password_url(clerk), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    clerk.refresh_from_db()
    assert clerk.check_password("correct-horse-battery")
    assert not events(Action.PASSWORD_SET)


def test_password_page_offers_no_switch_to_disable_password_sign_in(assoc, clerk):
    page = assoc.get(password_url(clerk)).content.decode()
    assert "unset-password" not in page
    assert "usable_password" not in page


def test_nobody_deletes_accounts_in_the_admin(root, clerk):
    assert root.get(reverse("admin:accounts_user_delete", args=[clerk.pk])).status_code == 403
    assert (
        root.post(reverse("admin:accounts_user_delete", args=[clerk.pk]), {"post": "yes"}).status_code == 403
    )
    assert User.objects.filter(pk=clerk.pk).exists()


@pytest.mark.parametrize("value", ["\x00", "association' OR 1=1", "x" * 5000])
def test_hostile_role_filter_values_give_a_normal_page(root, value):
    assert root.get(LIST_URL, {"role": value}, follow=True).status_code == 200


def test_association_filtering_by_flags_or_roles_finds_nothing_it_may_not_see(assoc, superuser, clerk):
    response = assoc.get(LIST_URL, {"is_superuser__exact": "1"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert assoc.get(LIST_URL, {"groups__name": Role.ASSOCIATION}).status_code == 400


# --- what only a superuser does ---------------------------------------------------------------------------


def staff_post(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "is_active": "on" if user.is_active else "",
        "roles": sorted(user.role_names),
        "is_superuser": "on" if user.is_superuser else "",
        "user_permissions": list(user.user_permissions.values_list("pk", flat=True)),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_superuser_changes_roles_is_staff_follows_and_the_audit_has_slugs_before_and_after(root, superuser):
    bureau = UserFactory(username="shiju2", role=Role.BUREAU)

    response = root.post(change_url(bureau), staff_post(bureau, roles=[Role.BUREAU, Role.AUDITOR]))

    assert response.status_code == 302
    bureau = User.objects.get(pk=bureau.pk)
    assert bureau.role_names == {Role.BUREAU, Role.AUDITOR}
    assert bureau.is_staff  # the auditor works in the admin
    (event,) = events(Action.ROLE_CHANGED)
    assert event.actor_id == superuser.pk
    assert event.detail == {"roles_before": ["bureau"], "roles_after": ["auditor", "bureau"]}

    root.post(change_url(bureau), staff_post(bureau, roles=[Role.BUREAU]))
    assert not User.objects.get(pk=bureau.pk).is_staff  # the bureau reads reports, not the admin


def test_superuser_grants_superuser_status_and_direct_permissions_audited(root):
    centre = UserFactory(username="centre3", role=Role.TRAINING_CENTRE)
    permission = Permission.objects.get(content_type__app_label="registry", codename="view_application")

    root.post(change_url(centre), staff_post(centre, is_superuser="on", user_permissions=[permission.pk]))

    centre.refresh_from_db()
    assert centre.is_superuser
    assert centre.is_staff
    assert list(centre.user_permissions.all()) == [permission]
    (event,) = events(Action.ROLE_CHANGED)
    assert event.detail == {
        "roles_before": ["training_centre"],
        "roles_after": ["training_centre"],
        "superuser_before": False,
        "superuser_after": True,
        "permissions_before": [],
        "permissions_after": ["registry.view_application"],
    }


def test_saving_a_staff_account_unchanged_writes_no_audit_row(root):
    centre = UserFactory(username="centre4", role=Role.TRAINING_CENTRE)
    assert root.post(change_url(centre), staff_post(centre)).status_code == 302
    assert not AuditEvent.objects.exclude(action=Action.LOGIN).exists()


def test_a_superuser_cannot_remove_their_own_superuser_status(root, superuser):
    response = root.post(change_url(superuser), staff_post(superuser, is_superuser=None))

    assert response.status_code == 200
    assert "is_superuser" in response.context["adminform"].form.errors
    superuser.refresh_from_db()
    assert superuser.is_superuser


def test_a_superuser_cannot_deactivate_themselves(root, superuser):
    response = root.post(change_url(superuser), staff_post(superuser, is_active=None))

    assert response.status_code == 200
    superuser.refresh_from_db()
    assert superuser.is_active


def test_an_enterprise_account_stays_one(root, clerk):
    page = root.get(change_url(clerk))
    form = page.context["adminform"].form
    assert "roles" not in form.fields
    assert "is_superuser" not in form.fields
    assert '<div class="readonly">企业</div>' in page.content.decode()  # its role, read-only


def test_superuser_creates_a_staff_account_with_roles(root):
    response = root.post(
        ADD_URL, {"username": "shenji2", "password1": STRONG, "password2": STRONG, "roles": [Role.AUDITOR]}
    )

    assert response.status_code == 302
    created = User.objects.get(username="shenji2")
    assert created.role_names == {Role.AUDITOR}
    assert created.is_staff
    assert not created.is_superuser
    assert events(Action.USER_CREATED)[0].detail == {
        "roles": ["auditor"],
        "is_superuser": False,
        "employer": None,
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"roles": [Role.ENTERPRISE]}, "employer"),
        ({"roles": [Role.ENTERPRISE, Role.ASSOCIATION], "employer": "EMP"}, "roles"),
        ({"roles": [Role.ENTERPRISE], "is_superuser": "on", "employer": "EMP"}, "roles"),
        ({"roles": [Role.ASSOCIATION], "employer": "EMP"}, "employer"),
        ({"roles": ["root"]}, "roles"),
    ],
)
def test_superuser_creating_an_illegal_account_is_told_at_the_field(root, extra, field):
    employer = EmployerFactory()
    data = {"username": "mixed", "password1": STRONG, "password2": STRONG}
    data.update({k: (employer.pk if v == "EMP" else v) for k, v in extra.items()})

    response = root.post(ADD_URL, data)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not User.objects.filter(username="mixed").exists()


def test_the_groups_admin_is_gone(root):
    from django.contrib import admin

    assert not admin.site.is_registered(Group)
    assert root.get("/admin/auth/group/").status_code == 404


def test_the_superuser_reads_direct_permissions_in_chinese(root):
    centre = UserFactory(username="centre5", role=Role.TRAINING_CENTRE)
    field = root.get(change_url(centre)).context["adminform"].form.fields["user_permissions"]

    labels = [label for _value, label in field.choices]
    assert labels
    assert not [label for label in labels if str(label).startswith("Can ")]
    view_application = Permission.objects.get(content_type__app_label="registry", codename="view_application")
    assert field.label_from_instance(view_application).endswith("申请：查看")


def test_hostile_role_and_permission_values_are_refused_in_chinese_and_change_nothing(root):
    centre = UserFactory(username="centre6", role=Role.TRAINING_CENTRE)
    delete_audit = Permission.objects.get(content_type__app_label="audit", codename="delete_auditevent")

    response = root.post(
        change_url(centre),
        staff_post(centre, roles=[Role.ENTERPRISE, "root"], user_permissions=[delete_audit.pk]),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["roles"] == ["请从列表中选择角色。"]
    assert "user_permissions" in errors
    assert "enterprise" not in str(errors)
    centre.refresh_from_db()
    assert centre.role_names == {Role.TRAINING_CENTRE}
    assert not centre.user_permissions.exists()
    assert not AuditEvent.objects.exclude(action=Action.LOGIN).exists()
