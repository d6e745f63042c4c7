"""The change page's transition buttons, built from the state machines in registry/workflow.py.

Every transition a person starts (its `actor` is not the system) is a button, in the order of the graph,
shown when the transition is legal now (source state and conditions). Its `custom` dict gives the
button's label and the confirmation form (`"form"`: a class name in registry/forms.py). The button calls
the service named after the transition, `<prefix><name>` in the admin's service module (for example
`application_approve` in registry/services/applications.py), with the object, the user and the form's
cleaned data as keyword arguments; the service locks, checks (permissions such as the separation of
duties included), transitions and audits. So adding a transition to workflow.py adds its button, and
tests/registry/test_admin_transition_buttons.py fails if its form or service is missing.
"""

from collections.abc import Callable
from types import ModuleType
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from registry import forms
from registry.workflow import Actor


def person_transitions(model: type[models.Model]) -> list[Any]:
    """Every transition of `model`'s state machine that a person starts, once each, in graph order."""
    seen: set[str] = set()
    result = []
    for transition in model._meta.get_field("state").get_all_transitions(model):  # type: ignore[union-attr]
        if transition.custom.get("actor") != Actor.SYSTEM and transition.name not in seen:
            seen.add(transition.name)
            result.append(transition)
    return result


def available_person_transitions(obj: Any, user: Any = None) -> list[Any]:
    """The person's transitions legal on `obj` now: from its state, with their conditions met and, given
    `user`, their permission (e.g. the separation of duties: the acceptor is not offered 批准)."""
    available = (
        obj.get_available_state_transitions()
        if user is None
        else obj.get_available_user_state_transitions(user)
    )
    return [t for t in available if t.custom.get("actor") != Actor.SYSTEM]


def transition_form(transition: Any) -> type[Form]:
    """The confirmation form the transition names (a class in registry/forms.py)."""
    return getattr(forms, transition.custom["form"])


class TransitionButtonsMixin:
    """For a ModelAdmin over a model with a `state` machine: buttons, their URLs and the one view.

    Set `transition_services` (the module), `transition_service_prefix` and `transition_object_kwarg`
    (the service's keyword for the object); `transition_url` names where a button leads.
    """

    transition_services: ModuleType
    transition_service_prefix: str
    transition_object_kwarg: str
    transition_template = "admin/registry/application/transition_form.html"

    def transition_url(self, obj: Any, name: str) -> str:
        raise NotImplementedError

    def transition_title(self, obj: Any, label: str) -> str:
        return f"{label}: {obj}"

    def transition_done_message(self, obj: Any) -> str:
        raise NotImplementedError

    def transition_extra_context(self, obj: Any) -> dict[str, Any]:
        return {}

    def transition_initial(self, obj: Any, transition: Any) -> dict[str, Any]:
        """The confirmation form's initial values (e.g. the materials known to be missing, pre-ticked)."""
        return {}

    def transition_form_class(self, obj: Any, transition: Any) -> type[Form]:
        """The confirmation form for `transition` on `obj`: the one workflow.py names, unless the admin
        narrows it for this object (e.g. no override reason to ask for)."""
        return transition_form(transition)

    def transition_service(self, name: str) -> Callable[..., Any]:
        return getattr(self.transition_services, f"{self.transition_service_prefix}{name}")

    def transition_buttons(self, request: HttpRequest, obj: Any) -> list[tuple[str, str]]:
        """(label, url) of what the user may start on `obj` now; none without change permission."""
        if not self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            return []
        return [
            (t.custom["label"], self.transition_url(obj, t.name))
            for t in available_person_transitions(obj, request.user)
        ]

    def transition_view(self, request: HttpRequest, object_id: int, name: str) -> HttpResponse:
        """The confirmation page of transition `name`; on a valid POST, its service, then the change page."""
        model = self.model  # type: ignore[attr-defined]
        obj = get_object_or_404(model, pk=object_id)
        if not self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            raise PermissionDenied
        transition = next((t for t in person_transitions(model) if t.name == name), None)
        if transition is None:
            raise Http404
        form_class = self.transition_form_class(obj, transition)
        if request.method == "POST":
            form = form_class(request.POST, request.FILES)
        else:
            form = form_class(initial=self.transition_initial(obj, transition))
        change_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        if request.method == "POST" and form.is_valid():
            service = self.transition_service(name)
            try:
                done = service(**{self.transition_object_kwarg: obj}, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                if getattr(error, "code", None) == "transition_not_allowed":
                    # Someone else moved it meanwhile: this form no longer applies; the change page shows
                    # the state it is in now, with the reason.
                    for message in error.messages:
                        messages.error(request, message)
                    return HttpResponseRedirect(change_url)
                # Refused for what was entered: the form stays, with what was typed and ticked, and the
                # reason above it.
                form.add_error(None, error.messages)
            else:
                messages.success(request, self.transition_done_message(done))
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": model._meta,
            "original": obj,
            "title": self.transition_title(obj, str(transition.custom["label"])),
            "form": form,
            "change_url": change_url,
            "multipart": form.is_multipart(),
            **self.transition_extra_context(obj),
        }
        return TemplateResponse(request, self.transition_template, context)
