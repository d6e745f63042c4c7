"""Role checks for views. Object scoping (whose rows) is the selectors' job, not this module's."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .roles import Role


def role_required(*roles: Role) -> Callable:
    """Let the view run only for a signed-in user holding one of `roles` (superusers always)."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or any(user.has_role(r) for r in roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
