"""Registration certificates (read-only: only issuance creates them) and batches."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from people.id_search import IdNumberSearchMixin
from people.record_panels import record_panels
from registry.admin.audit import AuditEntryInlineBase
from registry.admin.transitions import TransitionButtonsMixin, person_transitions
from registry.models import Batch, RegistrationCertificate
from registry.services import certificates as certificate_services
from registry.services.batches import batch_submit
from registry.services.certificate_pdfs import certificate_pdf_generate
from registry.views.certificates import certificate_pdf_response


class CertificateAuditInline(AuditEntryInlineBase):
    fk_name = "certificate"


@admin.register(RegistrationCertificate)
class RegistrationCertificateAdmin(
    AuditedAdminMixin, IdNumberSearchMixin, TransitionButtonsMixin, admin.ModelAdmin
):
    change_form_template = "admin/registry/registrationcertificate/change_form.html"
    list_display = (
        "number",
        "person",
        "employer_name",
        "level",
        "state",
        "issued_on",
        "valid_from",
        "valid_until",
    )
    list_filter = ("state", "level", "year")
    list_select_related = ("person", "employer")
    search_fields = ("=number", "person__name", "employer__name", "employer_name", "=employer__uscc")
    search_help_text = _(
        "Certificate number, name, resident ID number (full or masked), employer name or credit code."
    )
    show_full_result_count = False
    inlines = [CertificateAuditInline]
    readonly_fields = (
        "number",
        "year",
        "sequence",
        "person",
        "employer",
        "employer_name",
        "level",
        "projects",
        "issued_on",
        "valid_from",
        "valid_until",
        "state",
        "ended_on",
        "end_reason",
        "lapse_reason",
        "application",
        "previous",
        "created_at",
        "pdf_state",
        "pdf_generated_at",
        "pdf_error",
    )
    fields = readonly_fields
    actions = ["regenerate_pdfs"]

    def has_add_permission(self, request) -> bool:
        return False  # certificates come only from issuing an application

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # Buttons: one per transition a person starts, from registry/workflow.py (registry/admin/transitions.py),
    # each at <id>/<transition>/ (so revoking stays at <id>/revoke/).
    transition_services = certificate_services
    transition_service_prefix = "certificate_"
    transition_object_kwarg = "certificate"

    def transition_url(self, obj: RegistrationCertificate, name: str) -> str:
        return reverse(f"admin:registry_registrationcertificate_{name}", args=[obj.pk])

    def transition_title(self, obj: RegistrationCertificate, label: str) -> str:
        return f"{label} {obj.number}"

    def transition_done_message(self, obj: RegistrationCertificate) -> str:
        return _("Done: the certificate is now “%(state)s”.") % {"state": obj.get_state_display()}

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/pdf/", view(self.pdf_view), name="registry_registrationcertificate_pdf"),
            *(
                path(
                    f"<int:object_id>/{t.name}/",
                    view(self.transition_view),
                    {"name": t.name},
                    name=f"registry_registrationcertificate_{t.name}",
                )
                for t in person_transitions(RegistrationCertificate)
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["pdf_url"] = reverse("admin:registry_registrationcertificate_pdf", args=[obj.pk])
            extra_context["certificate_state"] = obj.get_state_display()
            extra_context["transitions"] = self.transition_buttons(request, obj)
            extra_context["record_panels"] = record_panels(obj, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def pdf_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The certificate's signed PDF (generated now if missing), for staff who may view it."""
        certificate = get_object_or_404(RegistrationCertificate, pk=object_id)
        if not self.has_view_permission(request, certificate):
            raise PermissionDenied
        return certificate_pdf_response(request, certificate)

    @admin.action(description=_("Regenerate the PDF of the selected certificates"), permissions=["change"])
    def regenerate_pdfs(self, request, queryset) -> None:
        """Produce the PDFs that are missing (e.g. after a font failure was corrected). A signed PDF on
        file is kept as it is: a certificate is signed once (docs/decisions/0102-...)."""
        done, kept, failed = 0, 0, []
        for pk, had_pdf in queryset.order_by("pk").values_list("pk", "pdf"):
            if had_pdf:
                kept += 1
                continue
            certificate = certificate_pdf_generate(certificate_id=pk)
            if certificate.pdf_error:
                failed.append(f"{certificate.number}: {certificate.pdf_error}")
            elif certificate.pdf:
                done += 1
            else:
                failed.append(
                    _("%(number)s: the PDF could not be signed; see the log.")
                    % {"number": certificate.number}
                )
        if done:
            self.message_user(request, _("%(n)d PDF(s) regenerated.") % {"n": done}, messages.SUCCESS)
        if kept:
            self.message_user(
                request,
                _("%(n)d certificate(s) already have their signed PDF, which is never changed.")
                % {"n": kept},
                messages.INFO,
            )
        for message in failed:
            self.message_user(request, message, messages.ERROR)


@admin.register(Batch)
class BatchAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "display_number",
        "title",
        "employer",
        "created_by",
        "created_at",
        "submitted_at",
        "truthfulness_confirmed_by",
    )
    list_select_related = ("employer", "created_by", "truthfulness_confirmed_by")
    search_fields = ("title", "employer__name", "=employer__uscc")
    autocomplete_fields = ("employer",)
    readonly_fields = (
        "created_by",
        "created_at",
        "submitted_at",
        "truthfulness_confirmed_by",
        "truthfulness_confirmed_at",
    )
    actions = ["submit_batches"]

    @admin.display(description=_("number"), ordering="id")
    def display_number(self, obj: Batch) -> str:
        return obj.number

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(
        description=_(
            "Submit every complete draft of the selected batches (their signed paper undertaking of "
            "truthfulness is on file)"
        ),
        permissions=["change"],
    )
    def submit_batches(self, request, queryset) -> None:
        """Paper batches: the employer signed the undertaking on the application form; staff confirm it
        is on file, and are recorded as having confirmed it."""
        for batch in queryset:
            result = batch_submit(batch=batch, by=request.user, truthfulness_confirmed=True)
            self.message_user(
                request,
                _("%(batch)s: %(n)d submitted.") % {"batch": batch.number, "n": len(result.submitted)},
                messages.SUCCESS,
            )
            for application, problems in result.incomplete.items():
                self.message_user(
                    request,
                    _("%(application)s: %(problems)s")
                    % {"application": application.number, "problems": "；".join(problems)},
                    messages.WARNING,
                )
