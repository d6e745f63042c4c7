from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin_hooks import AuditedAdminMixin, audit_recorded_by_service
from exams.models import AssessmentCertificate, RecognisedCertificate, VerifierCertificate
from exams.services import assessment_certificate_revoke, certificates_check

from .base import MaskedPersonMixin

REVOKE_HELP = _(
    "To revoke the certificate, enter the reason and save. A revoked certificate no longer counts."
)


class CertificateAdminBase(AuditedAdminMixin, MaskedPersonMixin, admin.ModelAdmin):
    """Shared: masked lists with the projects (one prefetch), revocation by entering a reason."""

    list_select_related = ("person",)
    search_fields = ("person__name", "=original_number")
    search_help_text = _(
        "Certificate number, name or resident ID number (full, or masked as 2301**********123X)."
    )
    autocomplete_fields = ("person", "projects")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("projects")

    @admin.display(description=_("metrology projects"))
    def project_list(self, obj) -> str:
        return "、".join(p.name for p in obj.projects.all())

    @admin.display(description=_("revoked"), boolean=True)
    def revoked(self, obj) -> bool:
        return obj.revoked_at is not None

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "revocation_reason" in form.base_fields:
            form.base_fields["revocation_reason"].help_text = REVOKE_HELP
        return form

    def save_model(self, request, obj, form, change):
        reason = obj.revocation_reason
        if change and obj.revoked_at is None and reason:
            obj.revocation_reason = ""
            super().save_model(request, obj, form, change)
            assessment_certificate_revoke(
                certificate=obj, reason=reason, by=request.user
            )  # records the revocation
            if form.changed_data == ["revocation_reason"]:
                audit_recorded_by_service(request)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)


@admin.register(AssessmentCertificate)
class AssessmentCertificateAdmin(CertificateAdminBase):
    """Certificates are issued only by the action on passed results; here they are read and revoked."""

    list_display = ("number", "person_name", "masked_id", "project_list", "issued_on", "issuer", "revoked")
    list_filter = ("issued_on", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("=number", "person__name")
    readonly_fields = (
        "number",
        "person",
        "projects",
        "issued_on",
        "valid_until",
        "issuer",
        "issued_by",
        "revoked_at",
        "revoked_by",
    )
    fields = (*readonly_fields, "revocation_reason")
    autocomplete_fields = ()

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.revoked_at is not None:
            return (*self.readonly_fields, "revocation_reason")
        return self.readonly_fields


class CheckedCertificateAdmin(CertificateAdminBase):
    """Certificates from elsewhere: entered by staff, counted once checked; checked ones are frozen."""

    list_filter = (("checked_at", admin.EmptyFieldListFilter), ("revoked_at", admin.EmptyFieldListFilter))
    readonly_fields = ("checked_by", "checked_at", "revoked_at", "revoked_by")
    actions = ["mark_checked"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.checked_at is not None:
            frozen = [f for f in self.get_fields(request, obj) if f != "revocation_reason" or obj.revoked_at]
            return tuple(frozen)
        return self.readonly_fields

    @admin.display(description=_("checked"), boolean=True)
    def checked(self, obj) -> bool:
        return obj.checked_at is not None

    @admin.action(description=_("Mark as checked against the original"), permissions=["change"])
    def mark_checked(self, request, queryset):
        count = certificates_check(certificates=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d certificate marked as checked; it now counts.",
                "%(count)d certificates marked as checked; they now count.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(RecognisedCertificate)
class RecognisedCertificateAdmin(CheckedCertificateAdmin):
    list_display = (
        "original_number",
        "person_name",
        "masked_id",
        "region",
        "kind",
        "issuing_authority",
        "project_list",
        "checked",
        "revoked",
    )
    list_filter = ("region", "kind", *CheckedCertificateAdmin.list_filter)
    fields = (
        "person",
        "region",
        "kind",
        "issuing_authority",
        "original_number",
        "projects",
        "issued_on",
        "valid_until",
        "checked_by",
        "checked_at",
        "revocation_reason",
        "revoked_at",
        "revoked_by",
    )


@admin.register(VerifierCertificate)
class VerifierCertificateAdmin(CheckedCertificateAdmin):
    list_display = (
        "original_number",
        "person_name",
        "masked_id",
        "issuing_authority",
        "project_list",
        "valid_until",
        "checked",
        "revoked",
    )
    fields = (
        "person",
        "issuing_authority",
        "original_number",
        "projects",
        "issued_on",
        "valid_until",
        "checked_by",
        "checked_at",
        "revocation_reason",
        "revoked_at",
        "revoked_by",
    )
