"""The bureau's dashboard and the report on any period: /reports/ (association and bureau)."""

from django.urls import path

from reports.views import analysis

app_name = "reports"

urlpatterns = [
    path("", analysis.dashboard, name="home"),
    path("period/", analysis.period, name="period"),
    path("period/pdf/", analysis.period_pdf, name="period_pdf"),
    path("period/xlsx/", analysis.period_xlsx, name="period_xlsx"),
]
