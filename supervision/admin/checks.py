"""The association's view of spot checks: plans, checks with their findings, evidence and measures.

Everything here is read-only: plans are made and drawn by the bureau, checks recorded by the inspectors,
in their own pages, through supervision.services. The one thing the association does here is carry out an
ordered suspension or revocation of a registration certificate ("Carry out" on the measure's page, with a
confirmation page), which goes through supervision.services.measure_carry_out and so through the
registry's own workflow and audit. Evidence files are served by a view that checks the permission and
records the download.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from supervision.downloads import evidence_downloaded
from supervision.models import (
    CERTIFICATE_MEASURES,
    Check,
    Evidence,
    Finding,
    Measure,
    MeasureState,
    Plan,
)
from supervision.services import measure_carry_out


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Nothing is added, changed or deleted here: every write goes through a service that audits."""

    audited_by_service = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def target_label(check: Check) -> str:
    """What was checked, as staff name it: the employer, the application, or the assessment result
    (person by name and masked number, never the full resident ID)."""
    if check.employer_id:
        return check.employer.name
    if check.application_id:
        return f"{check.application.number} {check.application.person.name}"
    result = check.assessment_result
    return f"{result.person.name} {result.project}"


def inspector_names(check: Check) -> str:
    return "、".join(u.get_full_name() or u.username for u in check.inspectors.all())


TARGET_RELATED = (
    "employer",
    "application__person",
    "assessment_result__person",
    "assessment_result__project",
)


# --- plans -------------------------------------------------------------------------------------------------
class CheckInline(ReadOnlyInline):
    model = Check
    fields = ("position", "check_link", "inspectors_shown", "state", "checked_on", "result")
    readonly_fields = fields
    verbose_name_plural = _("checks drawn")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("plan", *TARGET_RELATED)
            .prefetch_related("inspectors")
        )

    @admin.display(description=_("checked entity"))
    def check_link(self, obj: Check) -> str:
        url = reverse("admin:supervision_check_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, target_label(obj))

    @admin.display(description=_("inspectors"))
    def inspectors_shown(self, obj: Check) -> str:
        return inspector_names(obj)


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "period", "prefecture", "state", "check_count", "problem_count")
    list_filter = ("state", "kind")
    search_fields = ("title",)
    inlines = [CheckInline]
    fields = (
        "title",
        "kind",
        "period_start",
        "period_end",
        "prefecture",
        "sample_size",
        "sample_percent",
        "inspectors_per_check",
        "description",
        "state",
        "created_by",
        "created_at",
        "seed",
        "drawn_at",
        "drawn_by",
        "completed_at",
        "results_summary",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("created_by", "drawn_by")
            .annotate(
                check_count=Count("checks", distinct=True),
                problem_count=Count("checks", filter=Q(checks__result="problems"), distinct=True),
            )
        )

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, obj: Plan) -> str:
        return f"{obj.period_start:%Y-%m-%d} – {obj.period_end:%Y-%m-%d}"

    @admin.display(description=_("checks"), ordering="check_count")
    def check_count(self, obj: Plan) -> int:
        return obj.check_count  # type: ignore[attr-defined]

    @admin.display(description=_("with problems"), ordering="problem_count")
    def problem_count(self, obj: Plan) -> int:
        return obj.problem_count  # type: ignore[attr-defined]


# --- checks ------------------------------------------------------------------------------------------------
class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ("item_label", "found", "note", "certificate_shown", "recorded_by", "recorded_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("check_row", "certificate__person", "recorded_by")

    @admin.display(description=_("checklist item"))
    def item_label(self, obj: Finding) -> str:
        return obj.label

    @admin.display(description=_("certificate concerned"))
    def certificate_shown(self, obj: Finding) -> str:
        if obj.certificate is None:
            return "—"
        return f"{obj.certificate.number} {obj.certificate.person.name}"


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("item", "download", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj: Evidence) -> str:
        url = reverse("admin:supervision_check_evidence", args=[obj.check_row_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name or _("download"))


class MeasureInline(ReadOnlyInline):
    model = Measure
    fields = ("measure_link", "description", "due_on", "certificate_shown", "state", "done_on")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("certificate__person")

    @admin.display(description=_("measure"))
    def measure_link(self, obj: Measure) -> str:
        url = reverse("admin:supervision_measure_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.get_kind_display())

    @admin.display(description=_("registration certificate"))
    def certificate_shown(self, obj: Measure) -> str:
        if obj.certificate is None:
            return "—"
        return f"{obj.certificate.number} {obj.certificate.person.name}"


@admin.register(Check)
class CheckAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "target_shown",
        "prefecture",
        "inspectors_shown",
        "state",
        "checked_on",
        "result",
        "problems",
    )
    list_filter = (
        "plan",
        "state",
        "result",
        ("employer__prefecture", admin.ChoicesFieldListFilter),
    )
    list_select_related = ("plan", *TARGET_RELATED)
    search_fields = ("plan__title", "employer__name")
    show_full_result_count = False
    inlines = [FindingInline, EvidenceInline, MeasureInline]
    fields = (
        "plan",
        "position",
        "target_shown",
        "inspectors_shown",
        "state",
        "checked_on",
        "result",
        "summary",
        "completed_at",
        "completed_by",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("plan", "completed_by", *TARGET_RELATED)
            .prefetch_related("inspectors")
            .annotate(problem_count=Count("findings", filter=Q(findings__found=True), distinct=True))
        )

    @admin.display(description=_("checked entity"))
    def target_shown(self, obj: Check) -> str:
        return target_label(obj)

    @admin.display(description=_("prefecture"), ordering="employer__prefecture")
    def prefecture(self, obj: Check) -> str:
        return obj.employer.get_prefecture_display() if obj.employer_id else "—"

    @admin.display(description=_("inspectors"))
    def inspectors_shown(self, obj: Check) -> str:
        return inspector_names(obj)

    @admin.display(description=_("problems found"), ordering="problem_count")
    def problems(self, obj: Check) -> int:
        return obj.problem_count  # type: ignore[attr-defined]

    def get_urls(self):
        return [
            path(
                "<int:object_id>/evidence/<int:evidence_id>/",
                self.admin_site.admin_view(self.evidence_view),
                name="supervision_check_evidence",
            ),
            *super().get_urls(),
        ]

    def evidence_view(self, request: HttpRequest, object_id: int, evidence_id: int) -> FileResponse:
        """An evidence file from private storage, to staff who may see checks; the download is recorded."""
        evidence = get_object_or_404(Evidence, pk=evidence_id, check_row_id=object_id)
        if not self.has_view_permission(request, evidence.check_row):
            raise PermissionDenied
        try:
            handle = evidence.file.open("rb")
        except OSError:
            raise Http404 from None
        evidence_downloaded(evidence=evidence, by=request.user)
        name = evidence.original_name or f"evidence-{evidence.pk}{evidence.file.name[-4:]}"
        return FileResponse(handle, as_attachment=True, filename=name)


# --- measures ----------------------------------------------------------------------------------------------
@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    change_form_template = "admin/supervision/measure/change_form.html"
    list_display = (
        "kind",
        "employer_name",
        "certificate_number",
        "holder",
        "state",
        "due_on",
        "done_on",
        "created_at",
    )
    ordering = ("-state", "-created_at")  # open ("open" > "done") first: what awaits the association
    list_filter = ("kind", "state", ("check_row__plan", admin.RelatedFieldListFilter))
    list_select_related = ("check_row__plan", "check_row__employer", "certificate__person")
    search_fields = ("certificate__number", "check_row__employer__name")
    show_full_result_count = False
    fields = (
        "plan_title",
        "check_link",
        "kind",
        "description",
        "due_on",
        "referred_to",
        "certificate_number",
        "holder",
        "certificate_state",
        "state",
        "follow_up",
        "done_on",
        "done_by",
        "created_by",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "check_row__plan", "check_row__employer", "certificate__person", "created_by", "done_by"
            )
        )

    def has_carry_out_permission(self, request) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    @staticmethod
    def may_be_carried_out(measure: Measure) -> bool:
        return (
            measure.kind in CERTIFICATE_MEASURES
            and measure.certificate_id is not None
            and measure.state == MeasureState.OPEN
        )

    @admin.display(description=_("plan"), ordering="check_row__plan__title")
    def plan_title(self, obj: Measure) -> str:
        return obj.check_row.plan.title

    @admin.display(description=_("employer"), ordering="check_row__employer__name")
    def employer_name(self, obj: Measure) -> str:
        return obj.check_row.employer.name if obj.check_row.employer_id else "—"

    @admin.display(description=_("certificate number"), ordering="certificate__number")
    def certificate_number(self, obj: Measure) -> str:
        return obj.certificate.number if obj.certificate_id else "—"

    @admin.display(description=_("holder"))
    def holder(self, obj: Measure) -> str:
        return obj.certificate.person.name if obj.certificate_id else "—"

    @admin.display(description=_("certificate state"))
    def certificate_state(self, obj: Measure) -> str:
        return obj.certificate.get_state_display() if obj.certificate_id else "—"

    @admin.display(description=_("spot check"))
    def check_link(self, obj: Measure) -> str:
        url = reverse("admin:supervision_check_change", args=[obj.check_row_id])
        return format_html('<a href="{}">{}</a>', url, obj.check_row)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/carry-out/",
                self.admin_site.admin_view(self.carry_out_view),
                name="supervision_measure_carry_out",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.may_be_carried_out(obj) and self.has_carry_out_permission(request):
            extra_context["carry_out_url"] = reverse("admin:supervision_measure_carry_out", args=[obj.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def carry_out_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """GET: what carrying out the measure will do, to confirm. POST: the registry's suspension or
        revocation (measure_carry_out); a refusal shows the service's message on the measure's page."""
        if not self.has_carry_out_permission(request):
            raise PermissionDenied
        measure = get_object_or_404(self.get_queryset(request), pk=object_id)
        change_url = reverse("admin:supervision_measure_change", args=[measure.pk])
        if not self.may_be_carried_out(measure):
            self.message_user(
                request, _("Only an open suspension or revocation is carried out here."), messages.ERROR
            )
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            try:
                measure_carry_out(measure=measure, by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                measure.certificate.refresh_from_db()
                self.message_user(
                    request,
                    _("Done: the certificate %(number)s is now “%(state)s”.")
                    % {
                        "number": measure.certificate.number,
                        "state": measure.certificate.get_state_display(),
                    },
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": measure,
            "title": _("Carry out: %(measure)s of certificate %(number)s")
            % {"measure": measure.get_kind_display(), "number": measure.certificate.number},
            "measure": measure,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/supervision/measure/carry_out.html", context)
