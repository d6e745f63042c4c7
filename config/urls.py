from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from accounts import views as account_views
from exchange.api import api as exchange_api

admin.site.site_header = _("Enterprise registered metrologist registry")
admin.site.site_title = _("Metrologist registry")
admin.site.index_title = _("Registration office")
admin.site.site_url = "/"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("no-role/", TemplateView.as_view(template_name="accounts/no_role.html"), name="no_role"),
    path("accounts/two-factor/", include("accounts.two_factor_urls")),
    path(
        "accounts/password_change/",
        account_views.AuditedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.AuditedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/continuing-education/", include("training.urls")),
    path("portal/supervision/", include("supervision.urls_portal")),
    path("portal/", include("registry.urls.portal")),
    path("reports/continuing-education/", include("training.urls_bureau")),
    path("reports/annual/", include("reports.urls")),
    path("reports/", include("reports.urls_analysis")),
    path("supervision/", include("supervision.urls")),
    path("verify/", include("registry.urls.verify")),
    path("feedback/", include("supervision.urls_public_feedback")),
    path("admin/", admin.site.urls),
    path("api/v1/", exchange_api.urls),  # the exchange API (exchange/api.py)
]
