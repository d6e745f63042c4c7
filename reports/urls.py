"""The yearly report's workflow: /reports/annual/ (association and bureau; 404 for everyone else)."""

from django.urls import path

from .views import annual

app_name = "annual_reports"

urlpatterns = [
    path("", annual.report_list, name="list"),
    path("<int:year>/", annual.draft, name="draft"),
    path("<int:year>/preview.pdf", annual.draft_file, {"kind": "pdf"}, name="draft_pdf"),
    path("<int:year>/preview.xlsx", annual.draft_file, {"kind": "xlsx"}, name="draft_xlsx"),
    path("<int:year>/edit/", annual.edit, name="edit"),
    path("<int:year>/submit/", annual.submit, name="submit"),
    path("<int:year>/v<int:number>/", annual.version_page, name="version"),
    path("<int:year>/v<int:number>/report.pdf", annual.version_file, {"kind": "pdf"}, name="version_pdf"),
    path("<int:year>/v<int:number>/report.xlsx", annual.version_file, {"kind": "xlsx"}, name="version_xlsx"),
    path("<int:year>/v<int:number>/return/", annual.return_version, name="return"),
    path("<int:year>/v<int:number>/acknowledge/", annual.acknowledge, name="acknowledge"),
]
