"""The admin site: Django's, with hostile query parameters kept away from every admin view.

Django's change lists turn query parameters into database lookups (list filters, the date hierarchy,
search). Some values pass Django's own checks and then fail in the database with a 500: a NUL character
(PostgreSQL refuses it in any text), an integer beyond 64 bits (SQLite's driver raises OverflowError), a
date-hierarchy year beyond what a date can hold. This site drops such parameters before any admin view
sees them: the request is redirected to the same page without them, with a message saying so (Django itself
answers other invalid lookups with the unfiltered list, `?e=1`). An export is never run with a filter
dropped, which would export more than was asked: it is sent back to its list instead.
Covering the site rather than each ModelAdmin covers every admin, including ones added later.
"""

import unicodedata
from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.i18n import JavaScriptCatalog

_INTEGER_LIMIT = 2**63 - 1  # the widest integer column of SQLite and PostgreSQL
_DATE_PARTS = ("__year", "__month", "__day")
_YEAR_LIMIT = 9999  # the last year a date holds


def _has_control_character(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def _out_of_range(key: str, value: str) -> bool:
    limit = _YEAR_LIMIT if key.endswith(_DATE_PARTS) else _INTEGER_LIMIT
    for part in value.split(","):  # `__in` lookups take a comma-separated list
        try:
            number = int(part)
        except ValueError:  # not a number, or more digits than Python converts: Django refuses it itself
            continue
        if abs(number) > limit:
            return True
    return False


def hostile_parameters(query: QueryDict) -> set[str]:
    """The keys of `query` whose key or any value would reach the database as an error, not a lookup."""
    hostile = set()
    for key, values in query.lists():
        if _has_control_character(key) or any(
            _has_control_character(v) or _out_of_range(key, v) for v in values
        ):
            hostile.add(key)
    return hostile


# Strings of the admin's scripts that Django's Chinese catalogue lacks (the two-box picker of Django 5,
# SelectFilter2.js: "Choose all 组"); our catalogue (domain django) translates them, and the admin's
# JavaScript catalogue serves them beside Django's own.
ADMIN_SCRIPT_STRINGS = (
    gettext_noop("(click to clear)"),
    gettext_noop('Choose %s by selecting them and then select the "Choose" arrow button.'),
    gettext_noop("Choose all %s"),
    gettext_noop("Choose selected %s"),
    gettext_noop('Remove %s by selecting them and then select the "Remove" arrow button.'),
    gettext_noop("Remove all %s"),
    gettext_noop("Remove selected %s"),
)


class AdminJavaScriptCatalog(JavaScriptCatalog):
    """Django's admin catalogue, completed with ADMIN_SCRIPT_STRINGS in the request's language."""

    def get_catalog(self):
        catalog = super().get_catalog()
        for msgid in ADMIN_SCRIPT_STRINGS:
            translated = _(msgid)
            if msgid not in catalog and translated != msgid:
                catalog[msgid] = translated
        return catalog


class RegistryAdminSite(admin.AdminSite):
    def i18n_javascript(self, request, extra_context=None):
        return AdminJavaScriptCatalog.as_view(packages=["django.contrib.admin"])(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def without_hostile_parameters(request, *args, **kwargs):
            hostile = hostile_parameters(request.GET)
            if hostile:
                kept = request.GET.copy()
                for key in hostile:
                    del kept[key]
                query = kept.urlencode()
                path = request.path
                if path.endswith("/export/"):
                    path = path[: -len("export/")]
                messages.warning(
                    request,
                    _("A search or filter contained invalid characters and was ignored."),
                    fail_silently=True,  # a request made without the middleware (tests) still redirects
                )
                return HttpResponseRedirect(f"{path}?{query}" if query else path)
            return inner(request, *args, **kwargs)

        return without_hostile_parameters

    def password_change(self, request, extra_context=None):
        """The admin's own password page, saved and recorded as the site's is (accounts/views.py)."""
        from django.contrib.admin.forms import AdminPasswordChangeForm

        from accounts.views import AuditedPasswordChangeView

        defaults = {
            "form_class": AdminPasswordChangeForm,
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        request.current_app = self.name
        return AuditedPasswordChangeView.as_view(**defaults)(request)


class RegistryAdminConfig(AdminConfig):
    """Replaces "django.contrib.admin" in INSTALLED_APPS so that `admin.site` is a RegistryAdminSite."""

    default_site = "config.admin_site.RegistryAdminSite"
