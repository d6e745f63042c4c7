"""The yearly report's workflow: /reports/annual/ (association and bureau; 404 for everyone else)."""

app_name = "annual_reports"

urlpatterns: list = []
