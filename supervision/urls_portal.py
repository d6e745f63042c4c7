from django.urls import path

from supervision.views import portal_desk

app_name = "supervision_portal"

urlpatterns = [
    path("visits/", portal_desk.visits, name="visits"),
    path("visits/request/", portal_desk.visit_request, name="visit_request"),
    path("visits/<int:pk>/", portal_desk.visit_detail, name="visit_detail"),
    path("feedback/", portal_desk.feedback, name="feedback"),
    path("feedback/new/", portal_desk.feedback_submit, name="feedback_submit"),
]
