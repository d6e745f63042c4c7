from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.forms import ConfirmImportForm

from audit.admin_hooks import AuditedAdminMixin
from audit.models import Action
from common.sheet_formats import GuardedImportForm
from exams.forms import ResultCorrectionForm
from exams.models import AssessmentResult, AssessmentSession
from exams.resources import ResultResource, results_template_xlsx
from exams.services import certificates_issue, result_correct, result_record

from .base import MaskedPersonMixin, SpreadsheetAdminMixin


@admin.register(AssessmentSession)
class AssessmentSessionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_action = Action.CATALOGUE_CHANGED
    list_display = ("name", "held_on", "place", "project_count", "results_link", "passed_count")
    search_fields = ("name", "place")
    date_hierarchy = "held_on"
    filter_horizontal = ("projects",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_projects=Count("projects", distinct=True),
                n_results=Count("results", distinct=True),
                n_passed=Count("results", filter=Q(results__passed=True), distinct=True),
            )
        )

    @admin.display(description=_("projects"), ordering="n_projects")
    def project_count(self, obj) -> int:
        return obj.n_projects

    @admin.display(description=_("results"), ordering="n_results")
    def results_link(self, obj) -> str:
        url = reverse("admin:exams_assessmentresult_changelist") + f"?session__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.n_results)

    @admin.display(description=_("passed"), ordering="n_passed")
    def passed_count(self, obj) -> int:
        return obj.n_passed


class ResultImportForm(GuardedImportForm):
    session = forms.ModelChoiceField(queryset=AssessmentSession.objects.all(), label=_("assessment session"))
    create_people = forms.BooleanField(
        label=_("Add people not yet in the registry"),
        required=False,
        initial=True,
        help_text=_(
            "A valid resident ID number not yet in the registry adds the person with the name given."
        ),
    )


class ResultConfirmImportForm(ConfirmImportForm):
    session = forms.ModelChoiceField(queryset=AssessmentSession.objects.all(), widget=forms.HiddenInput)
    create_people = forms.BooleanField(required=False, widget=forms.HiddenInput)


@admin.register(AssessmentResult)
class AssessmentResultAdmin(AuditedAdminMixin, MaskedPersonMixin, SpreadsheetAdminMixin, admin.ModelAdmin):
    """Scores: entered one by one, or imported per session; certificates issued from the list.

    A recorded result is never edited or deleted here: its page offers a correction of the scores with a
    mandatory reason (exams.services.result_correct, audited). An import is recorded by the service that
    writes it (exams.services.results_import), so this admin does not record it again.
    """

    change_form_template = "admin/exams/assessmentresult/change_form.html"

    resource_classes = [ResultResource]
    import_form_class = ResultImportForm
    confirm_form_class = ResultConfirmImportForm
    import_template_name = "admin/exams/assessmentresult/import.html"
    import_error_display = ("message",)
    skip_admin_log = True  # each result records who imported it and when
    list_display = (
        "person_name",
        "masked_id",
        "project",
        "session",
        "skill_score",
        "knowledge_score",
        "passed",
        "certificate",
    )
    list_filter = ("session", ("project", admin.RelatedOnlyFieldListFilter), "passed")
    list_select_related = ("person", "project", "session", "certificate")
    search_fields = ("person__name",)
    search_help_text = _("Name or resident ID number (full, or masked as 2301**********123X).")
    autocomplete_fields = ("person",)
    readonly_fields = ("passed", "certificate", "recorded_by", "recorded_at")
    actions = ["issue_certificates"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("session", "person", "project", "skill_score", "knowledge_score", *self.readonly_fields)
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        """A recorded result is read-only; its scores change only by a correction (below)."""
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # not even a superuser: a wrong score is corrected, with its reason

    def has_correct_permission(self, request) -> bool:
        return super().has_change_permission(request)

    # --- correction ---------------------------------------------------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_correct_permission(request):
            extra_context["correction_form"] = ResultCorrectionForm(
                initial={"skill": obj.skill_score, "knowledge": obj.knowledge_score}
            )
            extra_context["correct_url"] = reverse("admin:exams_assessmentresult_correct", args=[obj.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def correct_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The correction: both scores and the reason; refused with the service's message, else saved."""
        if not self.has_correct_permission(request):
            raise PermissionDenied
        result = get_object_or_404(AssessmentResult.objects.select_related("person", "project"), pk=object_id)
        change_url = reverse("admin:exams_assessmentresult_change", args=[result.pk])
        initial = {"skill": result.skill_score, "knowledge": result.knowledge_score}
        form = ResultCorrectionForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result_correct(
                    result=result,
                    skill=data["skill"],
                    knowledge=data["knowledge"],
                    reason=data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, messages_ in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, messages_)
                else:
                    form.add_error(None, error.messages)
            else:
                self.message_user(request, _("The result was corrected."), messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": result,
            "title": _("Correct the result: %(result)s") % {"result": result},
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/exams/assessmentresult/correct.html", context)

    def save_model(self, request, obj, form, change):
        result = result_record(
            session=obj.session,
            person=obj.person,
            project=obj.project,
            skill_score=obj.skill_score,
            knowledge_score=obj.knowledge_score,
            by=request.user,
        )
        obj.pk, obj.passed, obj.recorded_by, obj.recorded_at = (
            result.pk,
            result.passed,
            result.recorded_by,
            result.recorded_at,
        )

    # --- import ------------------------------------------------------------------------------------
    def get_urls(self):
        template = path(
            "import-template/",
            self.admin_site.admin_view(self.import_template_view),
            name="exams_assessmentresult_import_template",
        )
        correct = path(
            "<int:object_id>/correct/",
            self.admin_site.admin_view(self.correct_view),
            name="exams_assessmentresult_correct",
        )
        return [template, correct, *super().get_urls()]

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            results_template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="assessment-scores-template.xlsx"'
        return response

    def export_reveals_id_numbers(self, request) -> bool:
        """Full numbers only for a role that may see them (the association); masked for the centre."""
        return request.user.has_perm("people.reveal_personal_data")

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"reveal_id_numbers": self.export_reveals_id_numbers(request)}

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        data = getattr(form, "cleaned_data", None) or {}
        can_add_people = request.user.has_perm("people.add_person")
        return {
            "session": data.get("session"),
            "create_people": bool(data.get("create_people")) and can_add_people,
        }

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["session"] = import_form.cleaned_data["session"].pk
            initial["create_people"] = import_form.cleaned_data["create_people"]
        return initial

    def process_result(self, result, request):
        """The confirm step re-validates the file; if it no longer passes, it saved nothing (rolled back)."""
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _("Nothing was imported: the data changed since the preview. Please import the file again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:exams_assessmentresult_import"))
        return super().process_result(result, request)

    # --- certificates ------------------------------------------------------------------------------
    def has_issue_permission(self, request) -> bool:
        return request.user.has_perm("exams.add_assessmentcertificate")

    @admin.action(
        description=_("Issue assessment certificates for the selected passed results"), permissions=["issue"]
    )
    def issue_certificates(self, request, queryset):
        outcome = certificates_issue(results=queryset.select_related(None).only("pk"), by=request.user)
        if outcome.certificates:
            numbers = "、".join(c.number for c in outcome.certificates)
            self.message_user(
                request,
                ngettext(
                    "Issued %(count)d assessment certificate: %(numbers)s.",
                    "Issued %(count)d assessment certificates: %(numbers)s.",
                    len(outcome.certificates),
                )
                % {"count": len(outcome.certificates), "numbers": numbers},
                messages.SUCCESS,
            )
        if outcome.skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected result was skipped: not passed or already certified.",
                    "%(count)d selected results were skipped: not passed or already certified.",
                    outcome.skipped,
                )
                % {"count": outcome.skipped},
                messages.WARNING,
            )
