from django.urls import path

from supervision.views import public_feedback

app_name = "public_feedback"

urlpatterns = [
    path("", public_feedback.feedback_form, name="form"),
    path("sent/", public_feedback.feedback_sent, name="sent"),
    path("<str:code>/", public_feedback.feedback_status, name="status"),
]
