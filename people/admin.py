from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from people.forms import EmployerRefuseForm, EmployerRenameForm
from people.models import Employer, EmployerNameChange
from people.record_panels import record_panels
from people.services import (
    EmployerStatusError,
    employer_refuse,
    employer_rename,
    employer_suspend,
    employer_verify,
)


class EmployerNameChangeInline(admin.TabularInline):
    """The history of names, read-only: a rename is recorded through "Record a change of name"."""

    model = EmployerNameChange
    extra = 0
    fields = ("old_name", "new_name", "changed_on", "recorded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Employer)
class EmployerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "uscc",
        "prefecture",
        "status",
        "is_authorised_verification_institution",
        "created_at",
    )
    list_filter = ("status", "prefecture", "is_authorised_verification_institution")
    search_fields = ("name", "=uscc")
    # Status changes only through the actions below (the services), never by editing the field.
    readonly_fields = ("status", "refusal_reason", "verified_at", "verified_by", "created_at")
    actions = ["verify", "refuse", "suspend"]
    list_select_related = ("verified_by",)
    inlines = [EmployerNameChangeInline]
    fieldsets = (
        (None, {"fields": ("name", "uscc", "prefecture", "address")}),
        (_("Contact"), {"fields": ("contact_name", "contact_phone", "contact_email")}),
        (
            _("Eligibility"),
            {
                "fields": (
                    "is_authorised_verification_institution",
                    "status",
                    "refusal_reason",
                    "verified_at",
                    "verified_by",
                )
            },
        ),
        (_("Record"), {"fields": ("created_at",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        """Once the employer exists its name changes only by a recorded rename (employer_rename)."""
        fields = super().get_readonly_fields(request, obj)
        return ("name", *fields) if obj is not None else fields

    def get_urls(self):
        return [
            path(
                "<int:object_id>/rename/",
                self.admin_site.admin_view(self.rename_view),
                name="people_employer_rename",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_change_permission(request, obj):
            extra_context["rename_url"] = reverse("admin:people_employer_rename", args=[obj.pk])
        if obj is not None:
            extra_context["record_panels"] = record_panels(obj, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def rename_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Record a change of the employer's name: the history keeps the old one."""
        employer = get_object_or_404(Employer, pk=object_id)
        if not self.has_change_permission(request, employer):
            raise PermissionDenied
        change_url = reverse("admin:people_employer_change", args=[employer.pk])
        form = EmployerRenameForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                employer_rename(employer=employer, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(
                    request,
                    _("The change of name was recorded: %(name)s.") % {"name": form.cleaned_data["new_name"]},
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": employer,
            "title": _("Record a change of name of %(name)s") % {"name": employer.name},
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/people/employer/rename_form.html", context)

    def _apply(self, request, queryset, service, done_message) -> None:
        """Run `service` per employer, each in its own transaction; report what happened and what not."""
        done = 0
        for employer in queryset.order_by("pk"):
            try:
                with transaction.atomic():  # the change and its audit event (the admin hook) together
                    service(employer=employer, by=request.user)
                    self.log_change(request, employer, done_message)
            except EmployerStatusError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done_message}: {done}", messages.SUCCESS)

    @admin.action(
        description=_("Verify the selected employers (they may submit applications)"), permissions=["change"]
    )
    def verify(self, request, queryset) -> None:
        self._apply(request, queryset, employer_verify, gettext("Verified"))

    @admin.action(
        description=_("Refuse to verify the selected employers, with the reason (they are told by e-mail)"),
        permissions=["change"],
    )
    def refuse(self, request, queryset):
        """The intermediate page asks for the reason; with it, each selected employer awaiting verification
        is refused in its own transaction, with its audit event (the reason in the event's note)."""
        form = EmployerRefuseForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            done_message = gettext("Verification refused")
            done = 0
            for employer in queryset.order_by("pk"):
                try:
                    with transaction.atomic():
                        employer_refuse(employer=employer, by=request.user, reason=reason)
                        note = gettext("Verification refused: %(reason)s") % {"reason": reason}
                        self.log_change(request, employer, note)
                except (EmployerStatusError, ValidationError) as error:
                    self.message_user(request, " ".join(_error_messages(error)), messages.WARNING)
                else:
                    done += 1
            if done:
                self.message_user(request, f"{done_message}: {done}", messages.SUCCESS)
            return None
        ids = list(queryset.values_list("pk", flat=True))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Refuse to verify the selected employers"),
            "form": form,
            "selected": list(queryset.order_by("name")[:200]),
            "count": len(ids),
            "ids": ids,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/people/employer/refuse.html", context)

    @admin.action(
        description=_("Suspend the selected employers (they may no longer submit)"), permissions=["change"]
    )
    def suspend(self, request, queryset) -> None:
        self._apply(request, queryset, employer_suspend, gettext("Suspended"))


def _error_messages(error: Exception) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]
