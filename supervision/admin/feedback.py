"""The association's feedback desk: read, answer (the submitter reads the answer in the portal or with
their tracking code) and close. Nothing is edited here directly: answering is a form that calls
supervision.services.feedback_answer, closing calls feedback_close (one row, or the selected ones); each
writes the audit event. The public submitter's contact is shown in clear here only: the association may
need to call back; the bureau's list masks it."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.admin_hooks import AuditedAdminMixin
from supervision import services
from supervision.feedback_forms import AnswerForm
from supervision.models import Feedback, FeedbackState

from .service_views import service_form_view

S = FeedbackState


@admin.register(Feedback)
class FeedbackAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_service = True
    change_form_template = "admin/supervision/feedback/change_form.html"
    list_display = ("created_at", "topic", "origin", "sender", "state", "answered_at")
    list_filter = ("state", "topic", "origin")
    list_select_related = ("employer",)
    list_per_page = 50
    actions = ["close_selected"]
    fields = (
        "origin",
        "employer",
        "submitted_by",
        "name",
        "contact",
        "topic",
        "message",
        "state",
        "answer",
        "answered_by",
        "answered_at",
        "closed_by",
        "closed_at",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("employer", "submitted_by", "answered_by", "closed_by")
        )

    def has_add_permission(self, request):
        return False  # sent from the portal or the public form

    def has_change_permission(self, request, obj=None):
        """The answer page and the close action need it; a feedback's page itself is read-only."""
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # closed, never deleted

    def has_answer_permission(self, request) -> bool:
        return super().has_change_permission(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("from"))
    def sender(self, obj: Feedback) -> str:
        if obj.employer_id:
            return obj.employer.name
        return obj.name or str(_("Public"))

    # --- answering and closing --------------------------------------------------------------------------
    @admin.action(description=_("Close the selected feedback"), permissions=["answer"])
    def close_selected(self, request, queryset):
        closed = 0
        for feedback in queryset.exclude(state=S.CLOSED):
            try:
                services.feedback_close(feedback=feedback, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return
            closed += 1
        self.message_user(
            request,
            ngettext("Closed %(count)d feedback.", "Closed %(count)d feedback.", closed) % {"count": closed},
            messages.SUCCESS,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/answer/", view(self.answer_view), name="supervision_feedback_answer"),
            path(
                "<int:object_id>/close/",
                view(require_POST(self.close_view)),
                name="supervision_feedback_close",
            ),
            *super().get_urls(),
        ]

    def _feedback(self, request, object_id) -> Feedback:
        if not self.has_answer_permission(request):
            raise PermissionDenied
        return get_object_or_404(Feedback, pk=object_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        feedback = self.get_object(request, object_id)
        if feedback is not None and feedback.state != S.CLOSED and self.has_answer_permission(request):
            extra_context["answer_url"] = reverse("admin:supervision_feedback_answer", args=[feedback.pk])
            extra_context["close_url"] = reverse("admin:supervision_feedback_close", args=[feedback.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def answer_view(self, request, object_id):
        feedback = self._feedback(request, object_id)
        return service_form_view(
            self,
            request,
            form_class=AnswerForm,
            call=lambda data: services.feedback_answer(
                feedback=feedback, by=request.user, answer=data["answer"]
            ),
            title=_("Answer the feedback"),
            submit=_("Send the answer"),
            done_message=_("The answer is sent; the submitter reads it."),
            back_url=reverse("admin:supervision_feedback_change", args=[feedback.pk]),
            initial={"answer": feedback.answer},
            original=feedback,
        )

    def close_view(self, request, object_id):
        feedback = self._feedback(request, object_id)
        try:
            services.feedback_close(feedback=feedback, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, _("The feedback is closed."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:supervision_feedback_change", args=[feedback.pk]))
