"""accounts.services: the checks hold whoever calls, not only through the admin's forms."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create, user_set_password, user_set_roles, user_update
from audit.models import Action, AuditEvent
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Kx9#quiet-Harbin-2026"


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", STRONG)


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", role=Role.ENTERPRISE, employer=EmployerFactory())


@pytest.mark.parametrize("role", [Role.ASSOCIATION, Role.TRAINING_CENTRE, Role.BUREAU, Role.ENTERPRISE])
def test_only_a_superuser_sets_roles(role, clerk):
    by = UserFactory(role=role, employer=clerk.employer if role == Role.ENTERPRISE else None)
    with pytest.raises(PermissionDenied):
        user_set_roles(user=clerk, by=by, roles=[Role.ENTERPRISE], is_superuser=True)
    with pytest.raises(PermissionDenied):
        user_set_roles(user=by, by=by, roles=[Role.ASSOCIATION, Role.AUDITOR], is_superuser=False)
    clerk.refresh_from_db()
    assert not clerk.is_superuser
    assert not AuditEvent.objects.exists()


def test_an_inactive_superuser_is_no_superuser(superuser, clerk):
    superuser.is_active = False
    with pytest.raises(PermissionDenied):
        user_set_password(user=clerk, by=superuser, password=STRONG)


@pytest.mark.parametrize("role", [Role.TRAINING_CENTRE, Role.BUREAU, Role.INSPECTOR, Role.AUDITOR])
def test_other_roles_manage_no_account(role, clerk):
    by = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        user_update(user=clerk, by=by, changes={"is_active": False})
    with pytest.raises(PermissionDenied):
        user_set_password(user=clerk, by=by, password=STRONG)
    with pytest.raises(PermissionDenied):
        user_create(by=by, username="x1", password=STRONG, employer=clerk.employer)
    clerk.refresh_from_db()
    assert clerk.is_active


def test_association_may_not_touch_staff_accounts_by_any_path(association_user, superuser):
    centre = UserFactory(role=Role.TRAINING_CENTRE)
    for target in (centre, superuser, association_user):
        with pytest.raises(PermissionDenied):
            user_update(user=target, by=association_user, changes={"is_active": False})
    for target in (centre, superuser):  # their own password they change on the password-change page
        with pytest.raises(PermissionDenied):
            user_set_password(user=target, by=association_user, password=STRONG)
    assert not AuditEvent.objects.exists()


def test_association_creates_enterprise_accounts_only(association_user):
    for roles, is_superuser in (([Role.ASSOCIATION], False), ([Role.ENTERPRISE], True), ([], False)):
        with pytest.raises(PermissionDenied):
            user_create(
                by=association_user,
                username="x2",
                password=STRONG,
                employer=EmployerFactory(),
                roles=roles,
                is_superuser=is_superuser,
            )
    assert not User.objects.filter(username="x2").exists()


def test_a_clerk_creates_colleagues_for_the_own_employer_only(clerk):
    with pytest.raises(PermissionDenied):
        user_create(by=clerk, username="x3", password=STRONG, employer=EmployerFactory())
    created = user_create(by=clerk, username="x4", password=STRONG, employer=clerk.employer)
    assert created.role_names == {Role.ENTERPRISE}
    assert AuditEvent.objects.get(action=Action.USER_CREATED).actor_id == clerk.pk


def test_an_account_with_more_than_the_enterprise_role_is_out_of_the_associations_reach(
    association_user, superuser, clerk
):
    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    with pytest.raises(PermissionDenied):
        user_set_password(user=clerk, by=association_user, password=STRONG)


def test_an_enterprise_account_cannot_be_given_direct_permissions(superuser, clerk):
    permission = Permission.objects.get(content_type__app_label="registry", codename="view_application")
    with pytest.raises(ValidationError) as error:
        user_set_roles(
            user=clerk, by=superuser, roles=[Role.ENTERPRISE], is_superuser=False, permissions=[permission]
        )
    assert "user_permissions" in error.value.error_dict
    assert not clerk.user_permissions.exists()


def test_an_account_keeps_its_kind(superuser, clerk):
    with pytest.raises(ValidationError):
        user_set_roles(user=clerk, by=superuser, roles=[Role.ASSOCIATION], is_superuser=False)
    centre = UserFactory(role=Role.TRAINING_CENTRE)
    with pytest.raises(ValidationError):
        user_set_roles(user=centre, by=superuser, roles=[Role.ENTERPRISE], is_superuser=False)
    assert clerk.role_names == {Role.ENTERPRISE}


def test_an_own_password_change_is_recorded_as_such(superuser):
    user_set_password(user=superuser, by=superuser, password=STRONG + "!")
    assert AuditEvent.objects.get().action == Action.PASSWORD_CHANGED


def test_nothing_changed_records_nothing(superuser, clerk):
    user_update(user=clerk, by=superuser, changes={"email": clerk.email, "employer": clerk.employer})
    user_set_roles(user=clerk, by=superuser, roles=[Role.ENTERPRISE], is_superuser=False)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["audit.delete_auditevent", "registry.add_auditentry", "accounts.change_user", "auth.change_group"],
)
def test_rights_over_audit_rows_accounts_and_roles_are_never_granted_directly(superuser, name):
    app_label, codename = name.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    centre = UserFactory(role=Role.TRAINING_CENTRE)
    with pytest.raises(ValidationError) as error:
        user_set_roles(
            user=centre,
            by=superuser,
            roles=[Role.TRAINING_CENTRE],
            is_superuser=False,
            permissions=[permission],
        )
    assert error.value.error_dict["user_permissions"][0].code == "not_grantable"
    assert not centre.user_permissions.exists()
