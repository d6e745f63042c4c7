from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
]
