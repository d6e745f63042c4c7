"""Partners with their scopes, and the one-time page that issues a key."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.admin_hooks import AuditedAdminMixin
from exchange.models import Partner, Scope
from exchange.services import api_key_issue


class PartnerForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Partner
        fields = ("name", "kind", "region", "contact", "scopes", "is_active")

    def clean_scopes(self) -> list[str]:
        return sorted(self.cleaned_data["scopes"])


class KeyIssueForm(forms.Form):
    label = forms.CharField(label=_("label"), max_length=100, required=False)
    expires_at = forms.DateTimeField(label=_("expires at"))

    def clean_expires_at(self) -> dt.datetime:
        expires_at = self.cleaned_data["expires_at"]
        if expires_at <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        if expires_at > timezone.now() + dt.timedelta(days=3 * 366):
            raise forms.ValidationError(_("A key may be valid for at most three years."))
        return expires_at


@admin.register(Partner)
class PartnerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = PartnerForm
    list_display = ("name", "kind", "region", "scope_list", "is_active", "issue_key_link")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: Partner) -> str:
        labels = dict(Scope.choices)
        return "、".join(str(labels.get(scope, scope)) for scope in obj.scopes or [])

    @admin.display(description=_("API keys"))
    def issue_key_link(self, obj: Partner) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:exchange_partner_issue_key", args=[obj.pk]),
            _("Issue a key"),
        )

    def has_delete_permission(self, request, obj=None):
        return False  # a partner is deactivated: its keys and log rows stay attributable

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        issue = self.admin_site.admin_view(self.issue_key_view)
        return [
            path("<int:partner_id>/issue-key/", issue, name="exchange_partner_issue_key"),
            *super().get_urls(),
        ]

    def issue_key_view(self, request, partner_id: int):
        """Issue a key. The answer to the POST is the only page that ever shows it (no redirect, no
        message stored in the session): only its hash is kept."""
        if not request.user.has_perm("exchange.add_apikey"):
            raise PermissionDenied
        partner = get_object_or_404(Partner, pk=partner_id)
        default_expiry = timezone.localtime() + dt.timedelta(days=settings.REGISTRY_API_KEY_DAYS)
        form = KeyIssueForm(
            request.POST if request.method == "POST" else None,
            initial={"expires_at": default_expiry.replace(second=0, microsecond=0)},
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "partner": partner,
            "form": form,
            "title": _("Issue an API key"),
        }
        if request.method == "POST" and form.is_valid():
            key, secret = api_key_issue(
                partner=partner,
                label=form.cleaned_data["label"],
                expires_at=form.cleaned_data["expires_at"],
                by=request.user,
            )
            context.update({"key": key, "secret": secret, "title": _("The new API key")})
            return TemplateResponse(request, "admin/exchange/partner/key_issued.html", context)
        return TemplateResponse(request, "admin/exchange/partner/issue_key.html", context)
