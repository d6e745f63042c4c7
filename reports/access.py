"""Who reaches the report pages: association staff (who write and submit) and the bureau (who reads,
returns and acknowledges). Every other signed-in user gets 404 on every report URL, as if the pages did
not exist: an enterprise, the training centre or an inspector has no business knowing they do."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from accounts.roles import Role

READERS = (Role.ASSOCIATION, Role.BUREAU)


def report_role_required(*roles: Role) -> Callable:
    """Let the view run only for a signed-in user holding one of `roles` (superusers always); 404 for any
    other signed-in user; the sign-in page for a visitor."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or any(user.has_role(r) for r in roles)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_association(user) -> bool:
    return user.is_superuser or user.has_role(Role.ASSOCIATION)


def is_bureau(user) -> bool:
    return user.is_superuser or user.has_role(Role.BUREAU)
