from django.urls import path

from .views import checks, conflicts, feedback, home, plans, public, visits

app_name = "supervision"

urlpatterns = [
    path("", home.home, name="home"),
    path("checks/", checks.check_list, name="check_list"),
    path("checks/<int:pk>/", checks.check_detail, name="check_detail"),
    path("checks/<int:pk>/evidence/", checks.evidence_upload, name="evidence_upload"),
    path("checks/<int:pk>/evidence/<int:eid>/", checks.evidence_download, name="evidence_download"),
    path("checks/<int:pk>/complete/", checks.check_complete, name="check_complete"),
    path("checks/<int:pk>/measures/", checks.measure_add, name="measure_add"),
    path("checks/<int:pk>/measures/<int:mid>/follow-up/", checks.measure_follow_up, name="measure_follow_up"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/draw/", plans.plan_draw_page, name="plan_draw"),
    path("plans/<int:pk>/complete/", plans.plan_complete_page, name="plan_complete"),
    path("conflicts/", conflicts.conflict_list, name="conflict_list"),
    path("conflicts/<int:pk>/withdraw/", conflicts.conflict_withdraw_view, name="conflict_withdraw"),
    path("public/", public.public_list, name="public_list"),
    path("public/<int:pk>/", public.public_detail, name="public_detail"),
    path("visits/", visits.visit_list, name="visits"),
    path("feedback/", feedback.feedback_list, name="feedback"),
]
