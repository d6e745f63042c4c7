from django.urls import path

from registry.views import verify

app_name = "verify"

urlpatterns = [
    path("", verify.verify_form, name="form"),
    path("offline/", verify.verify_offline, name="offline"),
    path("keys/", verify.verify_keys, name="keys"),
    path("keys.json", verify.verify_keys_json, name="keys_json"),
    # Any path segment: a malformed token gets the same "not found" page (and counts against the limit).
    path("<str:token>/", verify.verify_token, name="token"),
]
