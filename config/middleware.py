"""Project-wide middleware that belongs to no single app."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response except static assets (docs/decisions/0060).

    Pages and downloads here carry personal data: names, ID numbers, materials, certificates, exports.
    A browser or a proxy that keeps a copy keeps it on shared office computers and intranet caches. The
    rule is a default, not a list of views: a view added tomorrow is covered without its author thinking
    of it, and so are error pages, anonymous pages that echo what was typed (the sign-up form), and the
    public QR page that names a holder. Static assets keep the caching their server gives them (WhiteNoise
    answers them before this middleware runs; anything under STATIC_URL is left alone as well). Server-side
    caches are untouched: the QR page caches its rendered HTML itself (registry/views/verify.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = urlsplit(settings.STATIC_URL).path if settings.STATIC_URL else None

    def __call__(self, request):
        response = self.get_response(request)
        if self.static_prefix and request.path.startswith(self.static_prefix):
            return response
        # Whatever a view said about caching (max-age, public, an Expires date) yields to the rule.
        for header in ("Cache-Control", "Expires"):
            response.headers.pop(header, None)
        add_never_cache_headers(response)
        return response
