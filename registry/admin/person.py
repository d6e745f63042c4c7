"""People in the admin: masked resident ID numbers everywhere, the full number only as a recorded act.

Who sees what (docs/decisions/0041-who-sees-full-id-numbers.md): a role holding
`people.reveal_personal_data` (the association; superusers) sees phone numbers and may reveal a person's
full resident ID number, one person at a time, by pressing a button; each reveal is an audit event
(FULL_ID_VIEWED) and the page is never cached. Everyone else (the training centre, the bureau) sees the
masked number and no phone number, in lists and on the person's page alike.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from audit.models import Action
from audit.services import audit_log
from people.id_search import IdNumberSearchMixin
from people.models import Person, QualificationCertificate
from people.record_panels import record_panels
from people.validators import normalize_resident_id, validate_resident_id
from pii.display import Revealed
from registry.models import Application

REVEAL_PERMISSION = "people.reveal_personal_data"


def may_reveal(user) -> bool:
    return user.has_perm(REVEAL_PERMISSION)


class QualificationCertificateInline(admin.TabularInline):
    model = QualificationCertificate
    extra = 0


class PersonForm(forms.ModelForm):
    """On a person on record the ID number field starts empty: leave it so to keep the number, type one
    only to correct it. The number on record is never put into the page."""

    class Meta:
        model = Person
        fields = ("name", "id_number", "phone", "email", "photo")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("id_number")
        if field is not None and self.instance.pk:
            field.required = False
            self.initial["id_number"] = ""
            field.label = _("Correct the resident ID number")
            field.help_text = _(
                "On record: %(masked)s. Leave empty to keep it; enter the full number only to correct it."
            ) % {"masked": self.instance.masked_id_number}

    def clean_id_number(self) -> str:
        value = normalize_resident_id(self.cleaned_data.get("id_number") or "")
        if not value and self.instance.pk:
            return self.instance.id_number
        validate_resident_id(value)
        return value


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, IdNumberSearchMixin, admin.ModelAdmin):
    """Lists show the masked resident ID; the full number only through the reveal button."""

    form = PersonForm
    change_form_template = "admin/people/person/change_form.html"
    list_display = ("name", "masked_id", "phone", "created_at")
    search_fields = ("name",)
    search_help_text = _("Name or resident ID number (full, or masked as 2301**********123X).")
    id_search_path = ""
    inlines = [QualificationCertificateInline]
    readonly_fields = ("masked_id", "created_at")

    @admin.display(description=_("resident ID number"))
    def masked_id(self, obj: Person) -> str:
        return obj.masked_id_number

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if may_reveal(request.user) else tuple(f for f in shown if f != "phone")

    def get_fields(self, request, obj=None):
        """The number is typed in only by who may change people, and phones are shown only to who may
        see them: a read-only page would otherwise print both in full."""
        fields = ["name"]
        if obj is not None:
            fields.append("masked_id")
        if obj is None or self.has_change_permission(request, obj):
            fields.append("id_number")
        if may_reveal(request.user):
            fields.append("phone")
        return [*fields, "email", "photo", "created_at"]

    # --- revealing the full number -------------------------------------------------------------------
    def get_urls(self):
        reveal = path(
            "<int:object_id>/reveal-id/",
            self.admin_site.admin_view(self.reveal_view),
            name="people_person_reveal_id",
        )
        return [reveal, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if may_reveal(request.user):
            extra_context["reveal_url"] = reverse("admin:people_person_reveal_id", args=[object_id])
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["record_panels"] = record_panels(obj, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def reveal_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """GET: what pressing the button will do. POST: the full number, recorded (who, when, whom)."""
        if not may_reveal(request.user):
            raise PermissionDenied
        person = get_object_or_404(Person, pk=object_id)
        application = None
        if (application_id := request.GET.get("application", "")).isdigit():
            application = Application.objects.filter(pk=int(application_id), person=person).first()
        back = (
            reverse("admin:registry_application_change", args=[application.pk])
            if application is not None
            else reverse("admin:people_person_change", args=[person.pk])
        )
        full_number = None
        if request.method == "POST":
            with transaction.atomic():
                audit_log(
                    action=Action.FULL_ID_VIEWED,
                    request=request,
                    target=person,
                    detail={"application": application.number} if application is not None else {},
                )
            full_number = Revealed(person.id_number)  # renders in full; its repr (debug logs) does not
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": person,
            "title": _("Full resident ID number of %(name)s") % {"name": person.name},
            "full_number": full_number,
            "back_url": back,
        }
        response = TemplateResponse(request, "admin/people/person/reveal_id.html", context)
        add_never_cache_headers(response)
        return response


@admin.register(QualificationCertificate)
class QualificationCertificateAdmin(AuditedAdminMixin, IdNumberSearchMixin, admin.ModelAdmin):
    list_display = ("number", "person", "level", "issued_on", "issuer")
    list_filter = ("level",)
    list_select_related = ("person",)
    search_fields = ("=number", "person__name")
    search_help_text = _(
        "Certificate number, name or resident ID number (full, or masked as 2301**********123X)."
    )
    autocomplete_fields = ("person",)
