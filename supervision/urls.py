from django.urls import path

from .views import feedback, home, visits

app_name = "supervision"

urlpatterns = [
    path("", home.home, name="home"),
    path("visits/", visits.visit_list, name="visits"),
    path("feedback/", feedback.feedback_list, name="feedback"),
]
