from django.urls import path

from training.views import compliance, ledger, recording, sheets

app_name = "training"

urlpatterns = [
    path("", ledger.ledger, name="ledger"),
    path("compliance/", compliance.compliance, name="compliance"),
    path("activities/add/", recording.activity_add, name="activity_add"),
    path("activities/<int:pk>/", ledger.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/participants/", recording.participants_add, name="participants_add"),
    path("activities/<int:pk>/spreadsheet/", sheets.sheet_upload, name="sheet_upload"),
    path("activities/<int:pk>/spreadsheet/confirm/", sheets.sheet_confirm, name="sheet_confirm"),
    path("activities/<int:pk>/attendance-list/", ledger.attendance_list_download, name="attendance_list"),
    path("spreadsheet/template.xlsx", sheets.sheet_template, name="sheet_template"),
    path("entries/<int:pk>/", recording.entry_change, name="entry_change"),
    path("entries/<int:pk>/withdraw/", recording.entry_withdraw, name="entry_withdraw"),
    path("entries/<int:pk>/evidence/", ledger.evidence_download, name="evidence"),
]
