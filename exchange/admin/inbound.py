"""Partners' submitted certificates: staff read them (resident ID masked) and accept or reject them."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from common import text
from exchange.models import InboundCertificate
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
        "number",
        "issuing_authority",
        "region",
        "issued_on",
        "valid_until",
        "projects",
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
            self.message_user(request, f"{gettext('Accepted')}: {done}", messages.SUCCESS)

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
                self.message_user(request, f"{gettext('Rejected')}: {done}", messages.SUCCESS)
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
