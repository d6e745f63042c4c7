"""Assistance visits in the admin: association staff plan (a request, or a visit of their own
initiative: the "add" page), record and decline them. Nothing is edited here directly: every step is a
form that calls one service of supervision.services.visits, which writes the audit event."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from supervision import services
from supervision.models import AssistanceVisit, VisitState
from supervision.visit_forms import VisitDeclineForm, VisitNewForm, VisitPlanForm, VisitRecordForm

from .service_views import service_form_view

S = VisitState


@admin.register(AssistanceVisit)
class AssistanceVisitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_service = True
    change_form_template = "admin/supervision/assistancevisit/change_form.html"
    list_display = ("employer_name", "origin", "state", "planned_on", "topics_shown", "created_at")
    list_display_links = ("employer_name",)
    list_filter = ("state", "origin", ("employer__prefecture", admin.ChoicesFieldListFilter))
    list_select_related = ("employer",)
    list_per_page = 50
    search_fields = ("employer__name",)
    fields = (
        "employer",
        "origin",
        "state",
        "topics_shown",
        "request_note",
        "planned_on",
        "experts",
        "findings",
        "advice",
        "follow_up",
        "decline_reason",
        "created_at",
        "created_by",
        "planned_at",
        "planned_by",
        "done_at",
        "done_by",
        "declined_at",
        "declined_by",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("employer", "created_by", "planned_by", "done_by", "declined_by")
        )

    def has_change_permission(self, request, obj=None):
        """The steps need it; a visit's page itself is read-only."""
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # declined with a reason, never deleted

    def has_manage_permission(self, request) -> bool:
        return super().has_change_permission(request)

    @admin.display(description=_("employer"), ordering="employer__name")
    def employer_name(self, obj: AssistanceVisit) -> str:
        return obj.employer.name

    @admin.display(description=_("topics"))
    def topics_shown(self, obj: AssistanceVisit) -> str:
        return "、".join(obj.topic_labels)

    # --- the steps ---------------------------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/plan/", view(self.plan_view), name="supervision_assistancevisit_plan"),
            path(
                "<int:object_id>/record/", view(self.record_view), name="supervision_assistancevisit_record"
            ),
            path(
                "<int:object_id>/decline/",
                view(self.decline_view),
                name="supervision_assistancevisit_decline",
            ),
            *super().get_urls(),
        ]

    def _visit(self, request, object_id) -> AssistanceVisit:
        if not self.has_manage_permission(request):
            raise PermissionDenied
        return get_object_or_404(AssistanceVisit.objects.select_related("employer"), pk=object_id)

    def _change_url(self, visit: AssistanceVisit) -> str:
        return reverse("admin:supervision_assistancevisit_change", args=[visit.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        visit = self.get_object(request, object_id)
        if visit is not None and self.has_manage_permission(request):
            steps = []
            if visit.state in (S.REQUESTED, S.PLANNED):
                steps.append(("plan", _("Plan the visit") if visit.state == S.REQUESTED else _("Plan again")))
            if visit.state == S.PLANNED:
                steps.append(("record", _("Record the visit")))
            if visit.state in (S.REQUESTED, S.PLANNED):
                steps.append(("decline", _("Decline")))
            extra_context["steps"] = [
                (reverse(f"admin:supervision_assistancevisit_{name}", args=[visit.pk]), label)
                for name, label in steps
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        """A visit of the association's own initiative: the enterprise, the day, the experts, the topics."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return service_form_view(
            self,
            request,
            form_class=VisitNewForm,
            call=lambda data: services.visit_plan(
                by=request.user,
                employer=data["employer"],
                planned_on=data["planned_on"],
                experts=data["experts"],
                topics=data["topics"],
            ),
            title=_("Plan an assistance visit"),
            submit=_("Plan the visit"),
            done_message=_("The visit is planned."),
            back_url=reverse("admin:supervision_assistancevisit_changelist"),
        )

    def plan_view(self, request, object_id):
        visit = self._visit(request, object_id)
        return service_form_view(
            self,
            request,
            form_class=VisitPlanForm,
            call=lambda data: services.visit_plan(
                visit=visit,
                by=request.user,
                planned_on=data["planned_on"],
                experts=data["experts"],
                topics=data["topics"],
            ),
            title=_("Plan the visit"),
            submit=_("Plan the visit"),
            done_message=_("The visit is planned."),
            back_url=self._change_url(visit),
            initial={"planned_on": visit.planned_on, "experts": visit.experts, "topics": visit.topics},
            original=visit,
        )

    def record_view(self, request, object_id):
        visit = self._visit(request, object_id)
        return service_form_view(
            self,
            request,
            form_class=VisitRecordForm,
            call=lambda data: services.visit_record(
                visit=visit,
                by=request.user,
                findings=data["findings"],
                advice=data["advice"],
                follow_up=data["follow_up"],
            ),
            title=_("Record the visit"),
            submit=_("Record the visit"),
            done_message=_("The visit is recorded as done."),
            back_url=self._change_url(visit),
            original=visit,
        )

    def decline_view(self, request, object_id):
        visit = self._visit(request, object_id)
        return service_form_view(
            self,
            request,
            form_class=VisitDeclineForm,
            call=lambda data: services.visit_decline(visit=visit, by=request.user, reason=data["reason"]),
            title=_("Decline the visit"),
            submit=_("Decline"),
            done_message=_("The visit is declined; the enterprise reads the reason."),
            back_url=self._change_url(visit),
            original=visit,
        )
