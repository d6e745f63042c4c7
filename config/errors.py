"""The error pages that need a view (docs/decisions/0101-error-pages.md).

404, 403 and 500 are Django's own handlers rendering templates/404.html, 403.html and 500.html. Two
things need code: the CSRF failure page (CSRF_FAILURE_VIEW) and, on a developer's machine (DEBUG), keeping
Django's technical 404 page — which lists every URL pattern — for superusers only.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.template import loader
from django.urls import Resolver404, resolve
from django.views.defaults import page_not_found


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the form expired (or cookies are off). Says so in Chinese; never the reason."""
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", request=request))


class FriendlyNotFoundMiddleware:
    """With DEBUG on (`make run`), everyone but a signed-in superuser gets the branded 404 page instead of
    Django's technical one, which names the view and lists every URL pattern. With DEBUG off Django
    already answers with templates/404.html and this middleware does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _friendly(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return settings.DEBUG and not (user is not None and user.is_authenticated and user.is_superuser)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._friendly(request):
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as missing:
                return page_not_found(request, missing)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and self._friendly(request):
            return page_not_found(request, exception)
        return None
