from django.urls import path

from registry.views import reports

app_name = "reports"

urlpatterns = [
    path("", reports.home, name="home"),
]
