"""The association's review queue and the change page with one button per transition.

Thin: every button and bulk action calls one service in registry/services/; the FSM decides what is
legal, the services lock, audit and refuse with readable messages.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin_hooks import AuditedAdminMixin, audit_recorded_by_service
from common.paginators import EstimatedCountPaginator
from people.id_search import IdNumberSearchMixin
from registry import forms
from registry.admin.audit import AuditEntryInlineBase
from registry.admin.filters import DeadlineStatusFilter, EmployerFilter
from registry.admin.person import may_reveal
from registry.admin.transitions import TransitionButtonsMixin
from registry.advisories import application_training
from registry.audit_details import entry_detail_lines
from registry.materials import MaterialKind, describe_missing, missing_kinds
from registry.models import Application, DecisionDocument, Material, RegistrationCertificate
from registry.selectors import (
    application_decision_documents,
    application_missing_materials,
    applications_matching,
    review_queue,
)
from registry.services import applications as services
from registry.services.downloads import material_downloaded
from registry.services.materials import EDITABLE_STATES, material_attach
from registry.views.applications import decision_document_response
from registry.workflow import ApplicationState
from workdays.working_days import working_days_between


def training_context(obj: Application) -> dict:
    """For a renewal: the holder's continuing-education years (registry/advisories.py)."""
    return {"training": application_training(obj, on=timezone.localdate())}


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    can_delete = False
    fields = ("kind", "project", "download", "size", "short_checksum", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    ordering = ("kind", "id")

    @admin.display(description=_("SHA-256 checksum"))
    def short_checksum(self, obj: Material) -> str:
        """The first 12 hex digits, enough to compare by eye; the whole value on hover."""
        return format_html('<code title="{}">{}…</code>', obj.checksum, obj.checksum[:12])

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # uploads go through material_attach (the "Attach material" button)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by", "project")

    @admin.display(description=_("file"))
    def download(self, obj: Material) -> str:
        url = reverse("admin:registry_application_material_download", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name or obj.file.name)


class AuditEntryInline(AuditEntryInlineBase):
    fk_name = "application"
    fields = (*AuditEntryInlineBase.fields, "detail_lines")
    readonly_fields = fields

    @admin.display(description=_("detail"))
    def detail_lines(self, obj) -> str:
        lines = entry_detail_lines(obj)
        if not lines:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}：{}", lines)


@admin.register(Application)
class ApplicationAdmin(AuditedAdminMixin, IdNumberSearchMixin, TransitionButtonsMixin, admin.ModelAdmin):
    change_form_template = "admin/registry/application/change_form.html"
    form = forms.ApplicationAdminForm
    # Urgency first: what a reviewer scans for is the state and how long is left, then who and what.
    list_display = (
        "display_number",
        "person_name",
        "state",
        "current_due_on",
        "working_days_left",
        "kind",
        "level",
        "employer_name",
        "masked_id",
        "received_on",
    )
    list_display_links = ("display_number", "person_name")
    list_filter = (
        "state",
        DeadlineStatusFilter,
        "kind",
        "level",
        ("employer__prefecture", admin.ChoicesFieldListFilter),
        EmployerFilter,
    )
    list_select_related = ("person", "employer")
    list_per_page = 50
    # One count per page, bounded: exact up to REGISTRY_COUNT_ESTIMATE_ABOVE rows, the planner's estimate
    # above (common/paginators.py); and not a second count of the whole table for "N total".
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # The search box appears because search_fields is set; the lookup itself is applications_matching,
    # one indexed query chosen by what the term looks like.
    search_fields = (
        "person__name",
        "=target_certificate__number",
        "=produced_certificate__number",
        "employer__name",
        "=employer__uscc",
    )
    search_help_text = _(
        "Name, resident ID number (full, or masked as 2301**********123X), certificate number, "
        "application number, employer name or credit code."
    )
    actions = ["bulk_accept", "bulk_issue"]
    autocomplete_fields = ("person", "employer", "target_certificate", "batch")
    filter_horizontal = ("projects",)
    inlines = [MaterialInline, AuditEntryInline]
    editable_fields = ("kind", "person", "employer", "level", "projects", "target_certificate", "batch")
    workflow_fields = (
        "state",
        "received_on",
        "acceptance_due_on",
        "corrections_requested_on",
        "correction_items_display",
        "correction_note",
        "accepted_on",
        "accepted_by",
        "deemed_accepted",
        "approval_due_on",
        "approved_on",
        "issuance_due_on",
        "issued_on",
        "certificate_link",
        "closed_on",
        "decision_reason",
        "training_override_years_display",
        "training_override_reason",
        "written_decisions",
        "current_due_on",
        "created_by",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request):
        return review_queue()

    @admin.display(description=_("materials to correct"))
    def correction_items_display(self, obj: Application) -> str:
        return "；".join(str(MaterialKind(k).label) for k in obj.correction_items if k in MaterialKind.values)

    @admin.display(description=_("registration certificate"))
    def certificate_link(self, obj: Application) -> str:
        """The certificate the application produced (for a cancellation: the one it cancelled), linked."""
        certificate = RegistrationCertificate.objects.filter(application=obj).only("pk", "number").first()
        if certificate is None and obj.state == ApplicationState.ISSUED:
            certificate = obj.target_certificate
        if certificate is None:
            return "—"
        url = reverse("admin:registry_registrationcertificate_change", args=[certificate.pk])
        return format_html('<a href="{}">{}</a>', url, certificate.number)

    @admin.display(description=_("continuing-education years short, approved anyway"))
    def training_override_years_display(self, obj: Application) -> str:
        return "、".join(str(year) for year in obj.training_override_years) or "—"

    @admin.display(description=_("written decisions"))
    def written_decisions(self, obj: Application) -> str:
        """Links to the stored written decisions (受理通知书, 补正材料通知书, …), each download audited."""
        rows = [
            (
                reverse("admin:registry_application_decision_download", args=[obj.pk, document.pk]),
                document.get_kind_display(),
                document.number,
            )
            for document in application_decision_documents(application=obj)
        ]
        return format_html_join(mark_safe("<br>"), '<a href="{}">{} {}</a>', rows) if rows else "—"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": self.editable_fields}),)
        return (
            (_("Application"), {"fields": self.editable_fields}),
            (_("Progress"), {"fields": self.workflow_fields}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.state == ApplicationState.DRAFT:
            return self.workflow_fields
        return self.editable_fields + self.workflow_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an application is a record; withdraw it instead

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)  # editing a draft's own fields
            return
        # A new draft goes through the one sanctioned write path, so it has its "create" audit row (and the
        # admin hook records nothing more); the projects are set afterwards by save_related on the same row.
        audit_recorded_by_service(request)
        created = services.application_create(
            kind=obj.kind,
            person=obj.person,
            employer=obj.employer,
            level=obj.level,
            target_certificate=obj.target_certificate,
            batch=obj.batch,
            by=request.user,
        )
        obj.pk = created.pk
        obj.created_by = created.created_by
        obj.created_at = created.created_at

    # --- columns -------------------------------------------------------------------------------------
    @admin.display(description=_("number"), ordering="id")
    def display_number(self, obj: Application) -> str:
        return obj.number

    @admin.display(description=_("name"), ordering="person__name")
    def person_name(self, obj: Application) -> str:
        return obj.person.name

    @admin.display(description=_("resident ID number"))
    def masked_id(self, obj: Application) -> str:
        return obj.person.masked_id_number

    @admin.display(description=_("employer"), ordering="employer__name")
    def employer_name(self, obj: Application) -> str:
        return obj.employer.name

    @admin.display(description=_("working days left"), ordering="current_due_on")
    def working_days_left(self, obj: Application) -> str:
        if obj.current_due_on is None:
            return "—"
        left = working_days_between(timezone.localdate(), obj.current_due_on)
        if left < 0:
            return format_html('<strong class="overdue">{}</strong>', _("overdue by %(n)d") % {"n": -left})
        return str(left)

    # --- search: full ID numbers by their blind index (never in the URL), everything else by its shape ------
    def get_search_results(self, request, queryset, search_term):
        queryset, rest = self.filter_by_id_number(request, queryset, search_term)
        return applications_matching(queryset=queryset, term=rest), False

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj: Application) -> str:
        """The row's checkbox without rendering a form widget per row (40% of the page's time at 50 rows)."""
        return format_html(
            '<input type="checkbox" name="_selected_action" value="{}" class="action-select"'
            ' aria-label="{}">',
            obj.pk,
            obj.number,
        )

    # --- the change page's buttons --------------------------------------------------------------------
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/transition/<str:name>/",
                view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<int:object_id>/materials/attach/", view(self.attach_view), name="{}_{}_attach".format(*info)
            ),
            path(
                "<int:object_id>/materials/<int:material_id>/download/",
                view(self.download_view),
                name="{}_{}_material_download".format(*info),
            ),
            path(
                "<int:object_id>/decisions/<int:document_id>/download/",
                view(self.decision_download_view),
                name="{}_{}_decision_download".format(*info),
            ),
            *super().get_urls(),
        ]

    # Buttons: one per transition a person starts, from registry/workflow.py (registry/admin/transitions.py).
    transition_services = services
    transition_service_prefix = "application_"
    transition_object_kwarg = "application"

    def transition_url(self, obj: Application, name: str) -> str:
        return reverse("admin:registry_application_transition", args=[obj.pk, name])

    def transition_done_message(self, obj: Application) -> str:
        if obj.state == ApplicationState.ACCEPTED and obj.deemed_accepted:
            return _(
                "The acceptance deadline had passed: by law the application is accepted from the day its "
                "materials were received (%(date)s). This is recorded as a deemed acceptance."
            ) % {"date": obj.accepted_on}
        return _("Done: the application is now “%(state)s”.") % {"state": obj.get_state_display()}

    def transition_extra_context(self, obj: Application) -> dict:
        return {
            "missing_materials": describe_missing(application_missing_materials(application=obj)),
            **training_context(obj),
        }

    def transition_initial(self, obj: Application, transition) -> dict:
        """The correction notice comes with the materials the system knows are missing already ticked."""
        if transition.name == "request_corrections":
            return {"items": missing_kinds(application_missing_materials(application=obj))}
        return {}

    def transition_form_class(self, obj: Application, transition):
        """Approval asks for the override reason only when a renewal's holder is short of continuing
        education (the service refuses the approval without it all the same)."""
        training = application_training(obj, on=timezone.localdate())
        if transition.name == "approve" and not (training and training.advisories):
            return forms.ConfirmForm
        return super().transition_form_class(obj, transition)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None and self.has_change_permission(request, obj):
            extra_context["transitions"] = self.transition_buttons(request, obj)
            if obj.state in EDITABLE_STATES:
                extra_context["attach_url"] = reverse("admin:registry_application_attach", args=[obj.pk])
            extra_context["missing_materials"] = describe_missing(
                application_missing_materials(application=obj)
            )
        if obj is not None:
            extra_context.update(training_context(obj))
        if obj is not None and may_reveal(request.user):
            # Reviewers compare the number with the ID card's copy: shown on request, and recorded.
            reveal = reverse("admin:people_person_reveal_id", args=[obj.person_id])
            extra_context["reveal_url"] = f"{reveal}?application={obj.pk}"
        if obj is not None and obj.state != ApplicationState.DRAFT:
            # Past the draft every field is read-only: no Save buttons that would do nothing.
            extra_context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _object_or_403(self, request: HttpRequest, object_id: int) -> Application:
        obj = get_object_or_404(Application, pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def attach_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self._object_or_403(request, object_id)
        posted = request.method == "POST"
        form = forms.MaterialAttachForm(request.POST if posted else None, request.FILES if posted else None)
        change_url = reverse("admin:registry_application_change", args=[obj.pk])
        if request.method == "POST" and form.is_valid():
            try:
                material_attach(
                    application=obj,
                    kind=form.cleaned_data["kind"],
                    file=form.cleaned_data["file"],
                    by=request.user,
                    project=form.cleaned_data["project"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The material was attached."))
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": _("Attach material: %(application)s") % {"application": obj},
            "form": form,
            "change_url": change_url,
            "multipart": True,
        }
        return TemplateResponse(request, "admin/registry/application/transition_form.html", context)

    def download_view(self, request: HttpRequest, object_id: int, material_id: int) -> FileResponse:
        """Materials are private: staff holding view permission on materials only, as an attachment."""
        if not request.user.has_perm("registry.view_material"):
            raise PermissionDenied
        material = get_object_or_404(Material, pk=material_id, application_id=object_id)
        try:
            handle = material.file.open("rb")
        except OSError:
            raise Http404 from None
        material_downloaded(material=material, by=request.user)
        return FileResponse(handle, as_attachment=True, filename=material.original_name)

    def decision_download_view(self, request: HttpRequest, object_id: int, document_id: int) -> FileResponse:
        """A written decision, to staff who may see the application; the download is audited."""
        application = get_object_or_404(Application, pk=object_id)
        if not self.has_view_or_change_permission(request, application):
            raise PermissionDenied
        document = get_object_or_404(DecisionDocument, pk=document_id, application_id=object_id)
        return decision_document_response(request, document)

    # --- bulk actions ---------------------------------------------------------------------------------
    def _report(self, request, result, done_message) -> None:
        if result.done:
            self.message_user(request, done_message % {"n": len(result.done)}, messages.SUCCESS)
        for pk, problems in result.failed.items():
            self.message_user(
                request,
                _("%(application)s: %(problems)s")
                % {"application": Application(pk=pk).number, "problems": "；".join(problems)},
                messages.ERROR,
            )

    @admin.action(description=_("Accept the selected applications"), permissions=["change"])
    def bulk_accept(self, request, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        result = services.application_bulk_accept(application_ids=ids, by=request.user)
        self._report(
            request,
            result,
            ngettext("Accepted %(n)d application.", "Accepted %(n)d applications.", len(result.done)),
        )

    @admin.action(description=_("Issue certificates for the selected applications"), permissions=["change"])
    def bulk_issue(self, request, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        result = services.application_bulk_issue(application_ids=ids, by=request.user)
        self._report(
            request,
            result,
            ngettext("Issued %(n)d certificate.", "Issued %(n)d certificates.", len(result.done)),
        )
