"""The association's queue of continuing-education entries: confirm, reject (with a reason), correct.

An entry is never edited or deleted here. Entries awaiting confirmation are confirmed or rejected by the
bulk actions, all selected or none (training.services.participations_confirm / participations_reject;
the reason is asked on an intermediate page). A decided entry changes only by a correction with a reason
(training.services.participation_correct), offered on its page, where its earlier corrections are listed.
The evidence file is served by a view that checks the permission and records the download.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin_hooks import AuditedAdminMixin
from people.id_search import IdNumberSearchMixin
from registry.admin.filters import EmployerFilter
from training import services
from training.downloads import evidence_downloaded
from training.models import Participation, ParticipationCorrection, ParticipationState
from training.templatetags.training_hours import hours

from .compliance import ComplianceViewsMixin
from .filters import KIND, SUBJECT, ActivityYearFilter, titled
from .forms import CorrectionForm, RejectForm

S = ParticipationState


class CorrectionInline(admin.TabularInline):
    """The entry's corrections, read-only: what it was, what it became, why, by whom and when."""

    model = ParticipationCorrection
    extra = 0
    can_delete = False
    fields = ("made_at", "made_by", "old_hours", "new_hours", "old_state", "new_state", "reason")
    readonly_fields = fields
    verbose_name_plural = _("corrections")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("made_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Participation)
class ParticipationAdmin(AuditedAdminMixin, IdNumberSearchMixin, ComplianceViewsMixin, admin.ModelAdmin):
    change_form_template = "admin/training/participation/change_form.html"
    change_list_template = "admin/training/participation/change_list.html"

    class Media:
        css = {"all": ["css/admin-training.css"]}

    audited_by_service = True  # nothing is saved here but through services, which audit
    list_display = (
        "person_name",
        "masked_id",
        "activity_title",
        "ends_on",
        "subject",
        "hours_shown",
        "state",
        "employer_name",
    )
    list_display_links = ("person_name",)
    list_filter = (
        "state",
        ActivityYearFilter,
        EmployerFilter,
        ("employer__prefecture", admin.ChoicesFieldListFilter),
        ("activity__kind", titled(KIND)),
        ("activity__subject", titled(SUBJECT)),
    )
    list_select_related = ("person", "activity", "employer")
    list_per_page = 50
    show_full_result_count = False
    search_fields = ("person__name",)
    search_help_text = _("Name or resident ID number (full, or masked as 2301**********123X).")
    actions = ["confirm_selected", "reject_selected"]
    inlines = [CorrectionInline]
    fields = (
        "person_display",
        "activity",
        "employer",
        "hours",
        "state",
        "evidence_link",
        "recorded_by",
        "recorded_at",
        "decided_by",
        "decided_at",
        "rejection_reason",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "activity", "employer")

    def has_add_permission(self, request):
        return False  # recorded by the clerks' portal or an activity's attendance-list import

    def has_change_permission(self, request, obj=None):
        """The list's actions need it; an entry's page is read-only (a correction changes it)."""
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # not even a superuser: rejected or corrected, with a reason

    def has_decide_permission(self, request) -> bool:
        return super().has_change_permission(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # --- columns ------------------------------------------------------------------------------------
    @admin.display(description=_("hours"), ordering="hours")
    def hours_shown(self, obj: Participation) -> str:
        return hours(obj.hours)

    @admin.display(description=_("Name"), ordering="person__name")
    def person_name(self, obj: Participation) -> str:
        return obj.person.name

    @admin.display(description=_("resident ID number"))
    def masked_id(self, obj: Participation) -> str:
        return obj.person.masked_id_number

    @admin.display(description=_("person"))
    def person_display(self, obj: Participation) -> str:
        return str(obj.person)  # name and masked number

    @admin.display(description=_("activity"), ordering="activity__title")
    def activity_title(self, obj: Participation) -> str:
        return obj.activity.title

    @admin.display(description=_("end date"), ordering="activity__ends_on")
    def ends_on(self, obj: Participation):
        return obj.activity.ends_on

    @admin.display(description=KIND)
    def kind(self, obj: Participation) -> str:
        return obj.activity.get_kind_display()

    @admin.display(description=SUBJECT)
    def subject(self, obj: Participation) -> str:
        return obj.activity.get_subject_display()

    @admin.display(description=_("employer"), ordering="employer__name")
    def employer_name(self, obj: Participation) -> str:
        return obj.employer.name if obj.employer_id else "—"

    @admin.display(description=_("evidence"))
    def evidence_link(self, obj: Participation) -> str:
        if not obj.evidence:
            return "—"
        url = reverse("admin:training_participation_evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.evidence_name or _("download"))

    def get_search_results(self, request, queryset, search_term):
        queryset, rest = self.filter_by_id_number(request, queryset, search_term)
        if rest:
            queryset = queryset.filter(person__name__startswith=rest)
        return queryset, False

    # --- bulk decisions -----------------------------------------------------------------------------
    def _selected_ids(self, queryset) -> list[int]:
        return list(queryset.values_list("pk", flat=True))

    @admin.action(description=_("Confirm the selected hours"), permissions=["decide"])
    def confirm_selected(self, request, queryset):
        try:
            done = services.participations_confirm(
                participation_ids=self._selected_ids(queryset), by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return None
        self.message_user(
            request,
            ngettext("Confirmed %(count)d entry.", "Confirmed %(count)d entries.", len(done))
            % {"count": len(done)},
            messages.SUCCESS,
        )
        return None

    @admin.action(description=_("Reject the selected hours (with a reason)"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        """The intermediate page asks for the reason; with it, every selected entry is rejected or none."""
        ids = self._selected_ids(queryset)
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                done = services.participations_reject(
                    participation_ids=ids, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext("Rejected %(count)d entry.", "Rejected %(count)d entries.", len(done))
                % {"count": len(done)},
                messages.SUCCESS,
            )
            return None
        selected = list(queryset.select_related("person", "activity")[:200])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Reject the selected hours"),
            "form": form,
            "selected": selected,
            "count": len(ids),
            "ids": ids,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/training/participation/reject.html", context)

    # --- one entry: correction and evidence ---------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/correct/", view(self.correct_view), name="training_participation_correct"),
            path(
                "<int:object_id>/evidence/", view(self.evidence_view), name="training_participation_evidence"
            ),
            *self.compliance_urls(),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and obj.state != S.RECORDED and self.has_decide_permission(request):
            extra_context["correct_url"] = reverse("admin:training_participation_correct", args=[obj.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def correct_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """New hours and/or decision with the reason; refused with the service's message, else saved."""
        if not self.has_decide_permission(request):
            raise PermissionDenied
        entry = get_object_or_404(Participation.objects.select_related("person", "activity"), pk=object_id)
        change_url = reverse("admin:training_participation_change", args=[entry.pk])
        if entry.state == S.RECORDED:
            self.message_user(
                request, _("These hours await confirmation: confirm or reject them instead."), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            form = CorrectionForm(request.POST)
            if form.is_valid():
                try:
                    services.participation_correct(
                        participation=entry,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                        hours=form.cleaned_data["hours"],
                        state=form.cleaned_data["state"],
                    )
                except ValidationError as error:
                    for field, problems in (
                        error.message_dict.items()
                        if hasattr(error, "error_dict")
                        else [(None, error.messages)]
                    ):
                        form.add_error(field if field in form.fields else None, problems)
                else:
                    self.message_user(request, _("The entry was corrected."), messages.SUCCESS)
                    return HttpResponseRedirect(change_url)
        else:
            form = CorrectionForm(initial={"hours": entry.hours, "state": entry.state})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": entry,
            "title": _("Correct the entry: %(entry)s")
            % {"entry": f"{entry.person.name} · {entry.activity.title}"},
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/training/participation/correct.html", context)

    def evidence_view(self, request: HttpRequest, object_id: int) -> FileResponse:
        """The certificate of attendance, to staff who may see entries; the download is recorded."""
        entry = get_object_or_404(Participation.objects.select_related("activity"), pk=object_id)
        if not self.has_view_or_change_permission(request, entry):
            raise PermissionDenied
        if not entry.evidence:
            raise Http404
        try:
            handle = entry.evidence.open("rb")
        except OSError:
            raise Http404 from None
        evidence_downloaded(participation=entry, by=request.user)
        name = entry.evidence_name or f"evidence-{entry.pk}{entry.evidence.name[-4:]}"
        return FileResponse(handle, as_attachment=True, filename=name)
