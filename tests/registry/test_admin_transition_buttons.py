"""The change pages' buttons come from the state machines: one per transition a person starts, and back."""

import inspect
import re

import pytest
from django.contrib.auth.models import Permission
from django.forms import Form
from django.urls import reverse

from registry.admin.transitions import person_transitions, transition_form
from registry.models import Application, AuditEntry, RegistrationCertificate
from registry.services import applications as application_services
from registry.services import certificates as certificate_services
from registry.workflow import Actor, ApplicationState, CertificateState
from tests.factories import ApplicationFactory, RegistrationCertificateFactory, UserFactory

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'<a href="([^"]+)" class="transition-button">([^<]+)</a>')

# What staff see today on an application's change page, per state: the labels and their order
# (django-fsm lists a model's transitions by method name).
APPLICATION_BUTTONS = {
    ApplicationState.DRAFT: ["提交", "撤回"],
    ApplicationState.SUBMITTED: ["受理", "不予受理", "一次性告知补正", "撤回"],
    ApplicationState.CORRECTIONS_REQUESTED: ["补正后重新提交", "撤回"],
    ApplicationState.ACCEPTED: ["批准", "不予批准"],
    ApplicationState.APPROVED: ["发证"],
    ApplicationState.NOT_ACCEPTED: [],
    ApplicationState.DENIED: [],
    ApplicationState.ISSUED: [],
    ApplicationState.WITHDRAWN: [],
}
# The confirmation form each button opens (the fields a user fills in), as today.
APPLICATION_FORMS = {
    "submit": [],
    "resubmit": [],
    "withdraw": ["reason"],
    "accept": [],
    "not_accept": ["reason"],
    "request_corrections": ["items", "note"],
    "approve": [],
    "deny": ["reason"],
    "issue": [],
}


def _buttons(response) -> list[tuple[str, str]]:
    """(transition name, label) of the buttons on a rendered change page, in page order."""
    return [
        (url.rstrip("/").rsplit("/", 1)[-1], label)
        for url, label in BUTTON.findall(response.content.decode())
    ]


@pytest.mark.parametrize("state", ApplicationState.values)
def test_every_legal_staff_transition_of_an_application_has_a_button_and_every_button_one(
    client, association_user, monday, state
):
    application = ApplicationFactory(**({} if state == ApplicationState.DRAFT else {state: True}))
    client.force_login(association_user)
    response = client.get(reverse("admin:registry_application_change", args=[application.pk]))
    buttons = _buttons(response)
    legal = [
        t.name
        for t in Application.objects.get(pk=application.pk).get_available_state_transitions()
        if t.custom.get("actor") != Actor.SYSTEM
    ]
    assert [name for name, _label in buttons] == legal
    assert [label for _name, label in buttons] == APPLICATION_BUTTONS[state]
    for name, _label in buttons:  # each leads to its confirmation form
        page = client.get(reverse("admin:registry_application_transition", args=[application.pk, name]))
        assert page.status_code == 200
        assert list(page.context["form"].fields) == APPLICATION_FORMS[name]


@pytest.mark.parametrize("state", CertificateState.values)
def test_a_certificate_shows_the_revoke_button_exactly_while_valid_or_suspended(
    client, association_user, state
):
    certificate = RegistrationCertificateFactory(state=state)
    client.force_login(association_user)
    response = client.get(reverse("admin:registry_registrationcertificate_change", args=[certificate.pk]))
    buttons = _buttons(response)
    if state == CertificateState.VALID:
        # Recording a lapse (issue 14 item 7), revoking and suspending (issue 16); labels in the catalogue.
        assert buttons == [("lapse", "记录注册失效"), ("revoke", "撤销"), ("suspend", "暂停注册")]
        url = reverse("admin:registry_registrationcertificate_revoke", args=[certificate.pk])
        assert url == f"/admin/registry/registrationcertificate/{certificate.pk}/revoke/"
    elif state == CertificateState.SUSPENDED:
        assert buttons == [("lapse", "记录注册失效"), ("reinstate", "恢复注册"), ("revoke", "撤销")]
    else:
        assert buttons == []


def test_no_button_without_change_permission(client, monday):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_application"),
        Permission.objects.get(codename="view_registrationcertificate"),
    )
    client.force_login(viewer)
    application = ApplicationFactory(submitted=True)
    certificate = RegistrationCertificateFactory()
    for url in (
        reverse("admin:registry_application_change", args=[application.pk]),
        reverse("admin:registry_registrationcertificate_change", args=[certificate.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert _buttons(response) == []
    for url in (
        reverse("admin:registry_application_transition", args=[application.pk, "accept"]),
        reverse("admin:registry_registrationcertificate_revoke", args=[certificate.pk]),
    ):
        assert client.post(url, {"reason": "x"}).status_code == 403
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED


@pytest.mark.parametrize("model", [Application, RegistrationCertificate])
def test_every_person_transition_names_its_form_and_has_its_service(model):
    """What makes a button work: the form named in workflow.py, and a service taking its fields."""
    services, prefix, kwarg = {
        Application: (application_services, "application_", "application"),
        RegistrationCertificate: (certificate_services, "certificate_", "certificate"),
    }[model]
    transitions = person_transitions(model)
    assert transitions
    for transition in transitions:
        assert str(transition.custom["label"])
        form = transition_form(transition)
        assert issubclass(form, Form), transition.name
        service = getattr(services, f"{prefix}{transition.name}")
        parameters = inspect.signature(service).parameters
        assert {kwarg, "by", *form.base_fields} <= set(parameters), transition.name


def test_system_transitions_have_no_button_and_no_page(client, association_user, monday):
    assert sorted(t.name for t in person_transitions(Application)) == sorted(APPLICATION_FORMS)
    assert [t.name for t in person_transitions(RegistrationCertificate)] == [
        "lapse",
        "reinstate",
        "revoke",
        "suspend",
    ]
    application = ApplicationFactory(submitted=True)
    client.force_login(association_user)
    for name in ("deem_accept", "no_such_thing"):
        url = reverse("admin:registry_application_transition", args=[application.pk, name])
        assert client.get(url).status_code == 404


def test_revoking_from_the_certificate_page(client, association_user, monday):
    certificate = RegistrationCertificateFactory()
    client.force_login(association_user)
    url = reverse("admin:registry_registrationcertificate_revoke", args=[certificate.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["title"] == f"撤销 {certificate.number}"
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"]
    assert RegistrationCertificate.objects.get(pk=certificate.pk).state == CertificateState.VALID
    done = client.post(url, {"reason": "出租出借证书"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse(
        "admin:registry_registrationcertificate_change", args=[certificate.pk]
    )
    assert [m.level_tag for m in done.context["messages"]] == ["success"]
    certificate = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert (certificate.state, certificate.end_reason) == (CertificateState.REVOKED, "出租出借证书")
    entry = AuditEntry.objects.get(certificate=certificate)
    assert (entry.transition, entry.by) == ("revoke", association_user)
    again = client.post(url, {"reason": "再次"}, follow=True)  # no longer valid: refused, readable
    assert "不能再变更" in again.content.decode()
    assert AuditEntry.objects.filter(certificate=certificate).count() == 1
