"""The bureau's dashboard and the report on any period: /reports/ (association and bureau)."""

app_name = "reports"

urlpatterns: list = []
