"""What the visit and feedback admins share: a form page that calls one service and shows its refusal."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from registry.portal_forms import add_service_error


def service_form_view(
    model_admin,
    request,
    *,
    form_class: type[forms.Form],
    call: Callable[[dict], Model],
    title: str,
    submit: str,
    done_message: str,
    back_url: str,
    initial: dict | None = None,
    original=None,
) -> TemplateResponse | HttpResponseRedirect:
    """GET shows the form; a valid POST calls `call(cleaned_data)` — one service — and goes to the page of
    the row it returns, or shows the service's ValidationError on the form (nothing saved). `back_url`:
    where Cancel goes."""
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            model_admin.message_user(request, done_message, messages.SUCCESS)
            opts = model_admin.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[result.pk])
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": original,
        "title": title,
        "form": form,
        "submit": submit,
        "back_url": back_url,
    }
    return TemplateResponse(request, "admin/supervision/service_form.html", context)
