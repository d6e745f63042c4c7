"""Accounts: the one way users are created and changed, who may do it, and the audit row of each change.

A superuser manages every account and every role. Association staff manage enterprise accounts only —
profile, employer link, active flag and password — never a role, the superuser or staff flag, a direct
permission, a staff account or their own account. An account's kind is chosen when it is created: an
enterprise account holds exactly the enterprise role and the employer it acts for; every other account
holds no employer. `is_staff` (may enter the admin) is not set by hand: it follows from the roles
(docs/decisions/0010-user-administration.md).

Every change writes its audit row in the same transaction: USER_CREATED, USER_CHANGED (the names of the
changed fields, never their values), ROLE_CHANGED (role slugs, flags and permission names before and after),
PASSWORD_SET (by someone else) or PASSWORD_CHANGED (by the account itself). `request` is passed through
only for the audit row's address. Refusals: PermissionDenied when `by` may not do this at all,
ValidationError (Chinese, per field) when the change itself is not allowed; nothing is saved then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import audit_log

from .models import User
from .roles import STAFF_ROLES, Role
from .selectors import grantable_permissions, may_manage

# What user_update changes; roles, flags and permissions go through user_set_roles, passwords through
# user_set_password.
PROFILE_FIELDS = ("username", "first_name", "last_name", "email", "phone", "employer", "is_active")

ENTERPRISE_ONLY_MESSAGE = _(
    "The enterprise role cannot be combined with another role or with superuser status. Create a "
    "separate account for work in the registration office."
)


def _refusal(field: str, message: Any, *, code: str) -> ValidationError:
    """A refusal shown at `field`, with a code tests and callers can tell apart."""
    return ValidationError({field: ValidationError(message, code=code)})


def _role_slugs(roles: Iterable[Role | str]) -> frozenset[str]:
    return frozenset(str(role) for role in roles)


def is_staff_for(*, roles: Iterable[Role | str], is_superuser: bool) -> bool:
    """Whether an account with these roles works in the admin."""
    return is_superuser or bool(_role_slugs(roles) & {str(role) for role in STAFF_ROLES})


def account_kind_check(*, roles: Iterable[Role | str], is_superuser: bool, employer: Any) -> None:
    """Raise ValidationError unless this is a legal account: an enterprise account holds the enterprise
    role alone and an employer; any other account holds no employer. Forms call it too, so the rule is
    written once."""
    slugs = _role_slugs(roles)
    if slugs - {role.value for role in Role}:
        raise _refusal("roles", _("Choose roles from the list."), code="unknown_role")
    if Role.ENTERPRISE in slugs:
        if len(slugs) > 1 or is_superuser:
            raise _refusal("roles", ENTERPRISE_ONLY_MESSAGE, code="enterprise_alone")
        if employer is None:
            raise _refusal(
                "employer",
                _("An enterprise account needs the employer whose records it may see."),
                code="employer_required",
            )
    elif employer is not None:
        raise _refusal(
            "employer",
            _("Only enterprise accounts are linked to an employer; leave this empty."),
            code="employer_not_allowed",
        )


def username_check(*, username: str, exclude_pk: int | None = None) -> None:
    """A username must differ from every other one, ignoring case (users type them either way)."""
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise _refusal("username", _("This username is taken; choose another one."), code="username_taken")


def _is_superuser(by: User | None) -> bool:
    return by is not None and by.is_active and by.is_superuser


def _stored_roles(user: User) -> frozenset[str]:
    return frozenset(user.groups.values_list("name", flat=True))


def _stored_permissions(user: User) -> list[str]:
    return sorted(
        f"{app_label}.{codename}"
        for app_label, codename in user.user_permissions.values_list("content_type__app_label", "codename")
    )


def _permission_names(permissions: list[Permission]) -> list[str]:
    rows = Permission.objects.filter(pk__in=[p.pk for p in permissions]).values_list(
        "content_type__app_label", "codename"
    )
    return sorted(f"{app_label}.{codename}" for app_label, codename in rows)


def _groups(slugs: Iterable[str]) -> list[Group]:
    return [Group.objects.get_or_create(name=slug)[0] for slug in sorted(slugs)]


def _require_may_create(*, by: User | None, roles: frozenset[str], is_superuser: bool, employer: Any) -> None:
    if _is_superuser(by):
        return
    if roles != {Role.ENTERPRISE.value} or is_superuser:
        raise PermissionDenied("Only a superuser gives roles other than the enterprise role.")
    if by is None:  # an employer signing itself up (people.services.employer_sign_up)
        return
    if by.is_active and by.has_role(Role.ASSOCIATION):
        return
    if (
        by.is_active
        and by.has_role(Role.ENTERPRISE)
        and employer is not None
        and by.employer_id == employer.pk
    ):
        return
    raise PermissionDenied("Not allowed to create this account.")


@transaction.atomic
def user_create(
    *,
    by: User | None,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    employer: Any = None,
    roles: Iterable[Role | str] = (Role.ENTERPRISE,),
    is_superuser: bool = False,
    request: HttpRequest | None = None,
) -> User:
    """Create an account with its roles, or nothing.

    `by` is the person creating it: a superuser (any legal account), association staff (an enterprise
    account), an enterprise clerk (a colleague's account for the clerk's own employer), or None for an
    employer signing itself up (its first enterprise account; the sign-up service sees to the rest).
    """
    slugs = _role_slugs(roles)
    _require_may_create(by=by, roles=slugs, is_superuser=is_superuser, employer=employer)
    account_kind_check(roles=slugs, is_superuser=is_superuser, employer=employer)
    username = username.strip()
    username_check(username=username)
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        employer=employer,
        is_superuser=is_superuser,
        is_staff=is_staff_for(roles=slugs, is_superuser=is_superuser),
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(_groups(slugs))
    audit_log(
        action=Action.USER_CREATED,
        actor=by if by is not None else user,
        request=request,
        target=user,
        detail={
            "roles": sorted(slugs),
            "is_superuser": is_superuser,
            "employer": employer.pk if employer is not None else None,
        },
    )
    return user


def _differs(user: User, field: str, value: Any) -> bool:
    if field == "employer":
        return user.employer_id != (value.pk if value is not None else None)
    return getattr(user, field) != value


def profile_change_check(*, user: User, by: User, changes: Mapping[str, Any]) -> None:
    """Raise ValidationError unless `by` may make these profile changes to `user` as stored: nobody
    deactivates their own account, the account stays a legal one of its kind, usernames stay unique.
    The admin's forms call it too, so the rules are written once."""
    if user.pk is not None and user.pk == by.pk and changes.get("is_active", True) is False:
        raise _refusal(
            "is_active",
            _("You cannot deactivate your own account; ask another superuser."),
            code="deactivate_self",
        )
    account_kind_check(
        roles=_stored_roles(user),
        is_superuser=user.is_superuser,
        employer=changes.get("employer", user.employer),
    )
    if "username" in changes:
        username_check(username=changes["username"].strip(), exclude_pk=user.pk)


@transaction.atomic
def user_update(
    *, user: User, by: User, changes: Mapping[str, Any], request: HttpRequest | None = None
) -> User:
    """Change profile fields (PROFILE_FIELDS) of an account `by` may manage; audited by field name only."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"user_update does not change {sorted(unknown)}")
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not may_manage(by=by, user=locked):
        raise PermissionDenied("Not allowed to change this account.")
    changed = sorted(field for field, value in changes.items() if _differs(locked, field, value))
    if not changed:
        return locked
    profile_change_check(user=locked, by=by, changes={field: changes[field] for field in changed})
    for field in changed:
        value = changes[field]
        setattr(locked, field, value.strip() if isinstance(value, str) else value)
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=changed)
    audit_log(
        action=Action.USER_CHANGED, actor=by, request=request, target=locked, detail={"fields": changed}
    )
    return locked


def roles_change_check(
    *,
    user: User,
    by: User,
    roles: Iterable[Role | str],
    is_superuser: bool,
    permissions: Iterable[Permission] = (),
) -> None:
    """Raise ValidationError unless `user` as stored may be given these roles, this superuser status and
    these direct permissions by `by`: an account keeps its kind (enterprise or not), nobody removes their
    own superuser status, an enterprise account holds its role alone, no employer on other accounts, no
    direct permissions on enterprise accounts. The admin's forms call it too."""
    roles_before = _stored_roles(user) if user.pk is not None else frozenset()
    slugs = _role_slugs(roles)
    if user.pk is not None and (Role.ENTERPRISE in roles_before) != (Role.ENTERPRISE in slugs):
        raise _refusal(
            "roles",
            _(
                "An account stays an enterprise account or a registration-office account as it was "
                "created. Create a separate account instead."
            ),
            code="kind_fixed",
        )
    if user.pk == by.pk and user.is_superuser and not is_superuser:
        raise _refusal(
            "is_superuser",
            _("You cannot remove your own superuser status; ask another superuser."),
            code="demote_self",
        )
    account_kind_check(roles=slugs, is_superuser=is_superuser, employer=user.employer)
    pks = {permission.pk for permission in permissions}
    if pks and grantable_permissions().filter(pk__in=pks).count() != len(pks):
        raise _refusal(
            "user_permissions",
            _("Some of these rights are given only through roles or superuser status."),
            code="not_grantable",
        )
    if Role.ENTERPRISE in slugs and pks:
        raise _refusal(
            "user_permissions",
            _("Enterprise accounts hold no permissions beyond their role."),
            code="enterprise_permissions",
        )


@transaction.atomic
def user_set_roles(
    *,
    user: User,
    by: User,
    roles: Iterable[Role | str],
    is_superuser: bool,
    permissions: Iterable[Permission] | None = None,
    request: HttpRequest | None = None,
) -> User:
    """A superuser sets an account's roles, superuser status and direct permissions (None: keep them).

    `is_staff` follows from the result. An account stays of the kind it was created as (enterprise or
    not), a superuser cannot take away their own superuser status (another superuser must: the system is
    never left without one by a slip), and an enterprise account holds no direct permission.
    """
    if not _is_superuser(by):
        raise PermissionDenied("Only a superuser changes roles and permissions.")
    locked = User.objects.select_for_update().get(pk=user.pk)
    roles_before = _stored_roles(locked)
    permissions_before = _stored_permissions(locked)
    roles_after = _role_slugs(roles)
    wanted_permissions = list(permissions) if permissions is not None else list(locked.user_permissions.all())
    permissions_after = _permission_names(wanted_permissions)
    roles_change_check(
        user=locked, by=by, roles=roles_after, is_superuser=is_superuser, permissions=wanted_permissions
    )
    superuser_before = locked.is_superuser
    if (
        roles_before == roles_after
        and superuser_before == is_superuser
        and permissions_before == permissions_after
    ):
        return locked
    locked.is_superuser = is_superuser
    locked.is_staff = is_staff_for(roles=roles_after, is_superuser=is_superuser)
    locked.save(update_fields=["is_superuser", "is_staff"])
    locked.groups.set(_groups(roles_after))
    if permissions_before != permissions_after:
        locked.user_permissions.set(wanted_permissions)
    locked.__dict__.pop("role_names", None)
    detail: dict[str, Any] = {"roles_before": sorted(roles_before), "roles_after": sorted(roles_after)}
    if superuser_before != is_superuser:
        detail.update(superuser_before=superuser_before, superuser_after=is_superuser)
    if permissions_before != permissions_after:
        detail.update(permissions_before=permissions_before, permissions_after=permissions_after)
    audit_log(action=Action.ROLE_CHANGED, actor=by, request=request, target=locked, detail=detail)
    return locked


@transaction.atomic
def user_set_password(*, user: User, by: User, password: str, request: HttpRequest | None = None) -> User:
    """Set an account's password: one's own, or that of an account `by` may manage (PASSWORD_SET).

    The password rules apply as everywhere; the account's other sessions end (Django ties a session to
    the password hash), so a reset locks out whoever knew the old one.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    own = locked.pk == by.pk
    if not (own and by.is_active) and not may_manage(by=by, user=locked):
        raise PermissionDenied("Not allowed to set this account's password.")
    validate_password(password, locked)
    locked.set_password(password)
    locked.save(update_fields=["password"])
    audit_log(
        action=Action.PASSWORD_CHANGED if own else Action.PASSWORD_SET,
        actor=by,
        request=request,
        target=locked,
    )
    return locked
