"""What the state machines declare besides their arrows: who performs each transition, and the labels
that audit rows, refusals, e-mails and the diagram show for transitions and states."""

import pytest
from django.utils import translation

from registry.models import Application, RegistrationCertificate
from registry.workflow import (
    Actor,
    ApplicationState,
    CertificateState,
    action_label,
    state_label,
    transition_label,
)

E, A, SYSTEM = Actor.EMPLOYER, Actor.ASSOCIATION, Actor.SYSTEM

# transition → (who performs it, its label). The employer files and withdraws; the association decides
# and issues; the system acts on a passed deadline and ends certificates as part of an issuance.
APPLICATION_TRANSITIONS = {
    "submit": (E, "提交"),
    "resubmit": (E, "补正后重新提交"),
    "withdraw": (E, "撤回"),
    "accept": (A, "受理"),
    "deem_accept": (SYSTEM, "视为受理"),
    "not_accept": (A, "不予受理"),
    "request_corrections": (A, "一次性告知补正"),
    "approve": (A, "批准"),
    "deny": (A, "不予批准"),
    "issue": (A, "发证"),
}
CERTIFICATE_TRANSITIONS = {
    "supersede": (SYSTEM, "替换"),
    "cancel": (SYSTEM, "注销"),
    "revoke": (A, "撤销"),
    "expire": (SYSTEM, "过期"),
    "lapse": (A, "记录注册失效"),
    "suspend": (A, "暂停注册"),
    "reinstate": (A, "恢复注册"),
}
STATES = {
    "draft": "草稿",
    "submitted": "已提交",
    "corrections_requested": "待补正",
    "accepted": "已受理",
    "not_accepted": "不予受理",
    "approved": "已批准",
    "denied": "不予批准",
    "issued": "已发证",
    "withdrawn": "已撤回",
    "valid": "有效",
    "superseded": "已被替换",
    "cancelled": "已注销",
    "revoked": "已撤销",
    "expired": "已过期",
    "lapsed": "已失效",
    "suspended": "已暂停",
}


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _declared(model) -> dict:
    transitions = model._meta.get_field("state").get_all_transitions(model)
    return {t.name: (t.custom.get("actor"), str(t.custom.get("label"))) for t in transitions}


@pytest.mark.parametrize(
    ("model", "expected"),
    [(Application, APPLICATION_TRANSITIONS), (RegistrationCertificate, CERTIFICATE_TRANSITIONS)],
)
def test_each_transition_declares_who_performs_it_and_its_label(model, expected):
    assert _declared(model) == expected


@pytest.mark.parametrize("name", APPLICATION_TRANSITIONS)
def test_a_refusal_names_the_application_transition_by_its_label(name):
    assert transition_label(name) == APPLICATION_TRANSITIONS[name][1]


@pytest.mark.parametrize("name", ["revoke", "no_such_thing"])
def test_transition_label_knows_only_the_applications_transitions(name):
    with pytest.raises(KeyError):
        transition_label(name)


@pytest.mark.parametrize("name", [*APPLICATION_TRANSITIONS, *CERTIFICATE_TRANSITIONS])
def test_an_audit_row_shows_the_label_of_either_machines_transition(name):
    expected = {**APPLICATION_TRANSITIONS, **CERTIFICATE_TRANSITIONS}[name][1]
    assert action_label(name) == expected


def test_an_audit_row_shows_creation_and_departure_and_keeps_an_unknown_action_as_written():
    assert action_label("create") == "创建"
    assert action_label("report_departure") == "执业单位报告离职"
    assert action_label("imported_from_paper") == "imported_from_paper"


def test_every_state_of_either_machine_has_its_label_and_an_unknown_one_is_kept():
    assert set(STATES) == {*ApplicationState.values, *CertificateState.values}
    assert {value: state_label(value) for value in STATES} == STATES
    assert state_label("archived") == "archived"
    assert state_label("") == ""
