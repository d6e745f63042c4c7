from django.urls import path

from training import bureau_views

app_name = "training_reports"

urlpatterns = [
    path("", bureau_views.compliance, name="compliance"),
]
