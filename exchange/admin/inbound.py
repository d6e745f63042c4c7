"""Partners' submitted certificates: staff read them (resident ID masked), see whether the holder is on
record under the same name, and accept or reject them, from the list (several at once) or from one
submission's page (its buttons post the same actions)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from common import text
from exams.services import same_name
from exchange.models import InboundCertificate
from exchange.selectors import inbound_person_on_record, inbound_project_names
from exchange.services import InboundNotAcceptable, inbound_accept, inbound_reject


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        validators=[text.multi_line],
        help_text=_("The partner reads it with the submission."),
    )


@admin.register(InboundCertificate)
class InboundCertificateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audited_by_service = True  # nothing is edited here; services record issue, revoke and decisions
    list_display = (
        "submitted_at",
        "partner",
        "kind",
        "holder_name",
        "masked_id",
        "number",
        "region",
        "state",
    )
    list_filter = ("state", "partner", "kind", "region")
    list_select_related = ("partner",)
    search_fields = ("=number", "=reference", "holder_name")
    fields = (
        "partner",
        "reference",
        "kind",
        "holder_name",
        "masked_id",
        "person_on_record",
        "number",
        "issuing_authority",
        "region",
        "issued_on",
        "valid_until",
        "project_list",
        "state",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "reason",
        "recognised",
    )
    readonly_fields = fields
    actions = ["accept", "reject"]

    @admin.display(description=_("resident ID number"))
    def masked_id(self, obj: InboundCertificate) -> str:
        return obj.masked_holder_id_number

    @admin.display(description=_("person on record"))
    def person_on_record(self, obj: InboundCertificate) -> str:
        """Whether acceptance can find the holder: the person with this resident ID number, and whether
        the name on record is the submitted one (exchange.services.inbound_accept asks both)."""
        person = inbound_person_on_record(obj)
        if person is None:
            return gettext(
                "No person with this resident ID number is on record: the submission cannot be accepted "
                "until the person is added (or applies or takes an assessment here)."
            )
        link = reverse("admin:people_person_change", args=[person.pk])
        if same_name(person.name, obj.holder_name):
            return format_html('<a href="{}">{}</a> · {}', link, person.name, gettext("same name"))
        return format_html(
            '<a href="{}">{}</a> · {}',
            link,
            person.name,
            gettext("the name on record differs from the submitted name: the submission cannot be accepted"),
        )

    @admin.display(description=_("metrology projects"))
    def project_list(self, obj: InboundCertificate) -> str:
        return "、".join(inbound_project_names(obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A pending submission's page offers the two decisions (the list's actions, for this one row)
        instead of the save buttons of a form with nothing to edit."""
        inbound = self.get_object(request, object_id)
        decidable = (
            inbound is not None
            and inbound.state == InboundCertificate.State.PENDING
            and self.has_change_permission(request, inbound)
        )
        context = {**(extra_context or {}), "decidable": decidable}
        return super().change_view(request, object_id, form_url, extra_context=context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, decide) -> int:
        done = 0
        for inbound in queryset.order_by("pk"):
            try:
                decide(inbound)
            except InboundNotAcceptable as refusal:
                self.message_user(request, f"{inbound.number}: {refusal.message}", messages.WARNING)
            else:
                done += 1
        return done

    @admin.action(
        description=_("Accept the selected submissions (they count as recognised certificates)"),
        permissions=["change"],
    )
    def accept(self, request, queryset) -> None:
        done = self._decide(
            request, queryset, lambda inbound: inbound_accept(inbound=inbound, by=request.user)
        )
        if done:
            label = pgettext("recognition", "Accepted")
            self.message_user(request, f"{label}: {done}", messages.SUCCESS)

    @admin.action(description=_("Reject the selected submissions, with the reason"), permissions=["change"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = self._decide(
                request,
                queryset,
                lambda inbound: inbound_reject(inbound=inbound, reason=reason, by=request.user),
            )
            if done:
                label = pgettext("recognition", "Rejected")
                self.message_user(request, f"{label}: {done}", messages.SUCCESS)
            return None
        ids = list(queryset.values_list("pk", flat=True))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Reject the selected submissions"),
            "form": form,
            "selected": list(queryset.select_related("partner").order_by("pk")[:200]),
            "count": len(ids),
            "ids": ids,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/exchange/inboundcertificate/reject.html", context)
