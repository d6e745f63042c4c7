"""The association refuses to verify an employer, with a reason the employer reads (portal and e-mail)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from people.models import Employer
from people.services import EmployerStatusError, employer_refuse, employer_verify
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "营业执照上的名称与填写的名称不一致，请核对后重新申请核验。"


def test_refuse_keeps_a_pending_employer_from_submitting_with_the_reason(association_user):
    employer = EmployerFactory(pending=True)
    employer_refuse(employer=employer, by=association_user, reason=f"  {REASON}\n")
    employer.refresh_from_db()
    assert (employer.status, employer.refusal_reason) == (Employer.Status.REFUSED, REASON)
    assert not employer.can_submit
    # Verified later, after the correction: the reason is cleared.
    employer_verify(employer=employer, by=association_user)
    employer.refresh_from_db()
    assert (employer.status, employer.refusal_reason) == (Employer.Status.ACTIVE, "")


@pytest.mark.parametrize("reason", ["", "   ", "\n\t", "a\x00b", "原因\u202e反转"])
def test_a_refusal_without_a_plain_reason_is_refused_and_changes_nothing(association_user, reason):
    employer = EmployerFactory(pending=True)
    with pytest.raises(ValidationError):
        employer_refuse(employer=employer, by=association_user, reason=reason)
    employer.refresh_from_db()
    assert (employer.status, employer.refusal_reason) == (Employer.Status.PENDING, "")


@pytest.mark.parametrize("status", ["active", "suspended", "refused"])
def test_only_an_employer_awaiting_verification_is_refused(association_user, status):
    employer = EmployerFactory(status=status)
    with pytest.raises(EmployerStatusError):
        employer_refuse(employer=employer, by=association_user, reason=REASON)
    employer.refresh_from_db()
    assert employer.status == status


def test_the_admin_action_asks_for_the_reason_then_refuses_and_audits(client, association_user):
    pending, active = EmployerFactory(pending=True), EmployerFactory()
    client.force_login(association_user)
    url = reverse("admin:people_employer_changelist")
    selected = {"action": "refuse", "_selected_action": [pending.pk, active.pk]}

    page = client.post(url, selected)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert pending.name in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == Employer.Status.PENDING  # nothing happens before the reason is given

    empty = client.post(url, {**selected, "apply": "1", "reason": "  "})
    assert empty.status_code == 200  # the form again, with its error
    assert empty.context["form"].errors["reason"]
    pending.refresh_from_db()
    assert pending.status == Employer.Status.PENDING

    done = client.post(url, {**selected, "apply": "1", "reason": REASON}, follow=True)
    pending.refresh_from_db()
    active.refresh_from_db()
    assert (pending.status, pending.refusal_reason) == (Employer.Status.REFUSED, REASON)
    assert active.status == Employer.Status.ACTIVE  # reported, not refused
    shown = [str(m) for m in done.context["messages"]]
    assert any(active.name in m for m in shown)
    employer_events = AuditEvent.objects.filter(target_type="people.employer")
    event = employer_events.get(target_id=str(pending.pk), actor=association_user)
    assert event.detail["note"] == f"审核未通过：{REASON}"
    assert not employer_events.filter(target_id=str(active.pk)).exists()


def test_the_portal_home_shows_the_reason_to_the_employers_clerk(client, association_user):
    employer = EmployerFactory(pending=True)
    clerk = UserFactory(role="enterprise", employer=employer)
    employer_refuse(employer=employer, by=association_user, reason="<script>alert(1)</script>第一行\n第二行")
    client.force_login(clerk)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="refused-notice"' in html
    assert "第一行<br>第二行" in html
    assert "<script>alert(1)</script>" not in html
