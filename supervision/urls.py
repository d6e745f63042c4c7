from django.urls import path

from .views import home

app_name = "supervision"

urlpatterns = [
    path("", home.home, name="home"),
]
