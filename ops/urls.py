"""The ops app's URLs. /healthz, /readyz and /metrics are answered by ops.middleware.ProbeMiddleware before
the rest of the middleware; they are listed here as well so that they resolve and are classified
(tests/accounts/test_url_matrix.py)."""

from django.urls import path

from ops import views

app_name = "ops"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("admin/scheduled-jobs/", views.jobs, name="jobs"),
]
