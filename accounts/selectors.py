"""Reads about accounts: whose accounts a member of staff may manage."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import User
from .roles import Role


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
