"""Registration certificates (read-only: only issuance creates them) and batches."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from people.id_search import IdNumberSearchMixin
from registry.admin.audit import AuditEntryInlineBase
from registry.forms import RevokeForm
from registry.models import Batch, RegistrationCertificate
from registry.services.batches import batch_submit
from registry.services.certificate_pdfs import certificate_pdf_generate
from registry.services.certificates import certificate_revoke
from registry.views.certificates import certificate_pdf_response
from registry.workflow import CertificateState


class CertificateAuditInline(AuditEntryInlineBase):
    fk_name = "certificate"


@admin.register(RegistrationCertificate)
class RegistrationCertificateAdmin(AuditedAdminMixin, IdNumberSearchMixin, admin.ModelAdmin):
    change_form_template = "admin/registry/registrationcertificate/change_form.html"
    list_display = (
        "number",
        "person",
        "employer",
        "level",
        "state",
        "issued_on",
        "valid_from",
        "valid_until",
    )
    list_filter = ("state", "level", "year")
    list_select_related = ("person", "employer")
    search_fields = ("=number", "person__name", "employer__name", "=employer__uscc")
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
        "level",
        "projects",
        "issued_on",
        "valid_from",
        "valid_until",
        "state",
        "ended_on",
        "end_reason",
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

    def get_urls(self):
        return [
            path(
                "<int:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="registry_registrationcertificate_pdf",
            ),
            path(
                "<int:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="registry_registrationcertificate_revoke",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["pdf_url"] = reverse("admin:registry_registrationcertificate_pdf", args=[obj.pk])
        if (
            obj is not None
            and obj.state == CertificateState.VALID
            and self.has_change_permission(request, obj)
        ):
            extra_context["revoke_url"] = reverse(
                "admin:registry_registrationcertificate_revoke", args=[obj.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def pdf_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The certificate's current PDF (generated now if missing or stale), for staff who may view it."""
        certificate = get_object_or_404(RegistrationCertificate, pk=object_id)
        if not self.has_view_permission(request, certificate):
            raise PermissionDenied
        return certificate_pdf_response(request, certificate)

    @admin.action(description=_("Regenerate the PDF of the selected certificates"), permissions=["change"])
    def regenerate_pdfs(self, request, queryset) -> None:
        done, failed = 0, []
        for pk in queryset.order_by("pk").values_list("pk", flat=True):
            certificate = certificate_pdf_generate(certificate_id=pk, force=True)
            if certificate.pdf_error:
                failed.append(f"{certificate.number}: {certificate.pdf_error}")
            else:
                done += 1
        if done:
            self.message_user(request, _("%(n)d PDF(s) regenerated.") % {"n": done}, messages.SUCCESS)
        for message in failed:
            self.message_user(request, message, messages.ERROR)

    def revoke_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        certificate = get_object_or_404(RegistrationCertificate, pk=object_id)
        if not self.has_change_permission(request, certificate):
            raise PermissionDenied
        change_url = reverse("admin:registry_registrationcertificate_change", args=[certificate.pk])
        form = RevokeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                certificate_revoke(
                    certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The certificate was revoked."))
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": certificate,
            "title": _("Revoke %(number)s") % {"number": certificate.number},
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/registry/application/transition_form.html", context)


@admin.register(Batch)
class BatchAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("display_number", "title", "employer", "created_by", "created_at", "submitted_at")
    list_select_related = ("employer", "created_by")
    search_fields = ("title", "employer__name", "=employer__uscc")
    autocomplete_fields = ("employer",)
    readonly_fields = ("created_by", "created_at", "submitted_at")
    actions = ["submit_batches"]

    @admin.display(description=_("number"), ordering="id")
    def display_number(self, obj: Batch) -> str:
        return obj.number

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(
        description=_("Submit every complete draft of the selected batches"), permissions=["change"]
    )
    def submit_batches(self, request, queryset) -> None:
        for batch in queryset:
            result = batch_submit(batch=batch, by=request.user)
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
