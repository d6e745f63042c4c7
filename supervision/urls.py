from django.urls import path

from .views import checks, home

app_name = "supervision"

urlpatterns = [
    path("", home.home, name="home"),
    path("checks/", checks.check_list, name="check_list"),
    path("checks/<int:pk>/", checks.check_detail, name="check_detail"),
    path("checks/<int:pk>/evidence/", checks.evidence_upload, name="evidence_upload"),
    path("checks/<int:pk>/evidence/<int:eid>/", checks.evidence_download, name="evidence_download"),
    path("checks/<int:pk>/complete/", checks.check_complete, name="check_complete"),
    path("checks/<int:pk>/measures/", checks.measure_add, name="measure_add"),
    path("checks/<int:pk>/measures/<int:mid>/follow-up/", checks.measure_follow_up, name="measure_follow_up"),
]
