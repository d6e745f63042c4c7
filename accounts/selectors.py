"""Reads about accounts: whose accounts a member of staff may manage."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from .models import User
from .roles import NEVER_GRANTED, Role

# Rights over accounts, roles, sessions and the admin's own log are never given to one account directly:
# a superuser grants them by making someone a superuser, which is recorded as such.
NOT_GRANTED_DIRECTLY_APPS = ("accounts", "admin", "auth", "contenttypes", "sessions")


def enterprise_accounts() -> QuerySet[User]:
    """Accounts that are enterprise accounts and nothing more.

    Exactly the enterprise role, neither superuser nor staff, no permission granted directly: an account
    that holds anything beyond what an enterprise clerk holds is outside this set, so that whoever may
    manage enterprise accounts can never reach an account with more rights than that through it.
    """
    other_roles = [role.value for role in Role if role != Role.ENTERPRISE]
    return (
        User.objects.filter(is_superuser=False, is_staff=False, groups__name=Role.ENTERPRISE)
        .exclude(groups__name__in=other_roles)
        .exclude(user_permissions__isnull=False)
    )


def managed_users(*, by: User) -> QuerySet[User]:
    """The accounts `by` may open and change: every account for an active superuser, enterprise accounts
    for active association staff, none for anyone else (their own account included: staff change their
    own password on the password-change page, never their roles or flags)."""
    if not by.is_active:
        return User.objects.none()
    if by.is_superuser:
        return User.objects.all()
    if by.has_role(Role.ASSOCIATION):
        return enterprise_accounts()
    return User.objects.none()


def may_manage(*, by: User, user: User) -> bool:
    """Whether `by` may change `user` as stored now (one query)."""
    return managed_users(by=by).filter(pk=user.pk).exists()


def grantable_permissions() -> QuerySet[Permission]:
    """The permissions a superuser may give one account beyond its roles: rights over the registry's own
    records, never one listed in accounts.roles.NEVER_GRANTED (audit rows stay append-only) nor one over
    accounts, roles or sessions."""
    never = reduce(
        or_,
        (
            Q(content_type__app_label=name.split(".")[0], codename=name.split(".")[1])
            for name in NEVER_GRANTED
        ),
    )
    return (
        Permission.objects.exclude(content_type__app_label__in=NOT_GRANTED_DIRECTLY_APPS)
        .exclude(never)
        .select_related("content_type")
    )
