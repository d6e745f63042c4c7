"""Feedback (意见建议) in the portal and at the association's desk: the clerk's own feedback only, answer and
close through the services, the contact masked for the bureau, the demo step."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from audit.models import Action, AuditEvent
from people.models import Employer
from registry.demo import DEMO_USERS, demo_uscc
from supervision import services
from supervision.demo_desk import seed_visits_and_feedback
from supervision.models import AssistanceVisit, Feedback, FeedbackOrigin, FeedbackState, VisitState
from supervision.services.feedback import normalized_contact
from tests.factories import EmployerFactory, UserFactory

from .desk import clerk_of, fixed_day  # noqa: F401

pytestmark = pytest.mark.django_db


def portal_feedback(clerk, message="希望增加短信提醒。"):
    return services.feedback_submit(by=clerk, topic="system", message=message)


def public_feedback(message="个人能否直接申请？", contact="13904512233"):
    return services.feedback_submit(topic="registration", message=message, name="赵先生", contact=contact)


# --- services -------------------------------------------------------------------------------------------
def test_portal_feedback_belongs_to_the_clerks_employer_and_has_no_code(today):
    clerk = clerk_of()
    feedback = portal_feedback(clerk)
    assert (feedback.origin, feedback.employer, feedback.submitted_by) == (
        FeedbackOrigin.PORTAL,
        clerk.employer,
        clerk,
    )
    assert feedback.tracking_code is None


def test_public_feedback_gets_an_unguessable_code_and_its_contact_is_not_audited(today):
    one, two = public_feedback(), public_feedback()
    assert len(one.tracking_code) == 16
    assert one.tracking_code != two.tracking_code
    event = AuditEvent.objects.filter(action=Action.SUPERVISION_FEEDBACK, target_id=str(one.pk)).get()
    assert "13904512233" not in str(event.detail)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１３９ ０４５１-２２３３", "13904512233"),
        ("+86 139-0451-2233", "+8613904512233"),
        ("0451-8600 0000", "045186000000"),
        ("Wang＠Example.CN", "wang@example.cn"),
        ("", ""),
    ],
)
def test_typed_contacts_are_normalised(typed, stored):
    assert normalized_contact(typed) == stored


@pytest.mark.parametrize("typed", ["call me", "123", "a@b", "=1+1"])
def test_a_contact_that_is_neither_phone_nor_email_is_refused_and_nothing_saved(typed):
    with pytest.raises(ValidationError) as caught:
        public_feedback(contact=typed)
    assert "contact" in caught.value.message_dict
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(("topic", "message"), [("bogus", "意见"), ("system", "  "), ("system", "x" * 2001)])
def test_feedback_without_topic_or_message_is_refused(topic, message):
    with pytest.raises(ValidationError):
        services.feedback_submit(topic=topic, message=message)
    assert not Feedback.objects.exists()


def test_the_association_answers_then_closes(today, association_user):
    feedback = portal_feedback(clerk_of())
    with pytest.raises(ValidationError):
        services.feedback_answer(feedback=feedback, by=association_user, answer=" ")
    services.feedback_answer(feedback=feedback, by=association_user, answer="已采纳。")
    feedback.refresh_from_db()
    assert (feedback.state, feedback.answer, feedback.answered_by) == (
        FeedbackState.ANSWERED,
        "已采纳。",
        association_user,
    )
    services.feedback_close(feedback=feedback, by=association_user)
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.CLOSED
    with pytest.raises(ValidationError):
        services.feedback_answer(feedback=feedback, by=association_user, answer="再答")
    details = [
        e.detail
        for e in AuditEvent.objects.filter(action=Action.SUPERVISION_FEEDBACK, target_id=str(feedback.pk))
    ]
    assert len(details) == 3


def test_only_the_association_answers(today, bureau_user):
    clerk = clerk_of()
    feedback = portal_feedback(clerk)
    for user in (bureau_user, clerk):
        with pytest.raises(ValidationError):
            services.feedback_answer(feedback=feedback, by=user, answer="答")
        with pytest.raises(ValidationError):
            services.feedback_close(feedback=feedback, by=user)
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.NEW


# --- the portal -----------------------------------------------------------------------------------------
def test_the_clerk_sees_only_their_employers_feedback_with_answers(client, today, association_user):
    clerk, colleague, other = clerk_of(), None, clerk_of()
    colleague = UserFactory(role=Role.ENTERPRISE, employer=clerk.employer)
    mine = portal_feedback(colleague, message="同事的建议")
    services.feedback_answer(feedback=mine, by=association_user, answer="谢谢，已采纳。")
    theirs = portal_feedback(other, message="别家的建议")
    public = public_feedback(message="公众的建议")
    client.force_login(clerk)
    page = client.get(reverse("supervision_portal:feedback")).text
    assert "同事的建议" in page
    assert "谢谢，已采纳。" in page
    assert f"feedback-{theirs.pk}" not in page
    assert "别家的建议" not in page
    assert f"feedback-{public.pk}" not in page


def test_the_clerk_sends_feedback_from_the_portal(client, today):
    clerk = clerk_of()
    client.force_login(clerk)
    response = client.post(
        reverse("supervision_portal:feedback_submit"), {"topic": "assessment", "message": "考核太远"}
    )
    assert response.status_code == 302
    assert Feedback.objects.get().employer == clerk.employer
    response = client.post(reverse("supervision_portal:feedback_submit"), {"topic": "", "message": "x"})
    assert response.status_code == 200
    assert Feedback.objects.count() == 1


def test_the_portal_feedback_list_runs_in_constant_queries(client, today):
    clerk = clerk_of()
    client.force_login(clerk)
    client.get(reverse("supervision_portal:feedback"))

    def queries(count: int) -> int:
        for _ in range(count):
            portal_feedback(clerk)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("supervision_portal:feedback")).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(15)


# --- the association's admin ----------------------------------------------------------------------------
def test_the_association_answers_and_closes_in_the_admin(client, today, association_user):
    feedback = public_feedback()
    client.force_login(association_user)
    page = client.get(reverse("admin:supervision_feedback_change", args=[feedback.pk])).text
    assert "13904512233" in page  # in clear for who answers
    url = reverse("admin:supervision_feedback_answer", args=[feedback.pk])
    assert client.post(url, {"answer": ""}).status_code == 200
    assert client.post(url, {"answer": "个人须经聘用单位申请。"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.ANSWERED
    assert client.post(reverse("admin:supervision_feedback_close", args=[feedback.pk])).status_code == 302
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.CLOSED


def test_the_close_action_closes_the_selected(client, today, association_user):
    rows = [public_feedback(), portal_feedback(clerk_of())]
    client.force_login(association_user)
    client.post(
        reverse("admin:supervision_feedback_changelist"),
        {"action": "close_selected", "_selected_action": [r.pk for r in rows]},
    )
    assert set(Feedback.objects.values_list("state", flat=True)) == {FeedbackState.CLOSED}


def test_the_admin_does_not_edit_feedback_directly(client, today, association_user):
    feedback = public_feedback()
    client.force_login(association_user)
    client.post(
        reverse("admin:supervision_feedback_change", args=[feedback.pk]), {"state": "closed", "answer": "改"}
    )
    feedback.refresh_from_db()
    assert (feedback.state, feedback.answer) == (FeedbackState.NEW, "")


def test_the_admin_list_filters_and_runs_in_constant_queries(client, today, association_user):
    client.force_login(association_user)
    url = reverse("admin:supervision_feedback_changelist")
    client.get(url)

    def queries(count: int) -> int:
        for n in range(count):
            portal_feedback(clerk_of()) if n % 2 else public_feedback()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"state": "new", "origin": "portal"}).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


# --- the bureau -----------------------------------------------------------------------------------------
def test_the_bureau_reads_feedback_with_the_contact_masked(client, today, bureau_user, association_user):
    public = public_feedback(contact="13904512233")
    emailed = public_feedback(contact="wang.lei@example.cn")
    portal = portal_feedback(clerk_of(prefecture="daqing"), message="大庆的建议")
    services.feedback_answer(feedback=portal, by=association_user, answer="已答复")
    client.force_login(bureau_user)
    page = client.get(reverse("supervision:feedback")).text
    assert "139****2233" in page
    assert "13904512233" not in page
    assert "w***@example.cn" in page
    assert "wang.lei" not in page
    assert "赵*生" in page
    assert "赵先生" not in page
    assert "已答复" in page
    page = client.get(reverse("supervision:feedback"), {"prefecture": "daqing", "state": "answered"}).text
    assert f"feedback-{portal.pk}" in page
    assert f"feedback-{public.pk}" not in page
    assert f"feedback-{emailed.pk}" not in page


def test_the_bureau_feedback_list_runs_in_constant_queries(client, today, bureau_user):
    client.force_login(bureau_user)
    client.get(reverse("supervision:feedback"))

    def queries(count: int) -> int:
        for n in range(count):
            portal_feedback(clerk_of()) if n % 2 else public_feedback()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("supervision:feedback")).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


# --- the demo -------------------------------------------------------------------------------------------
def test_the_demo_step_writes_a_done_visit_and_answered_feedback_once(today):
    employer = EmployerFactory(uscc=demo_uscc(0), name="哈尔滨北方精密仪表有限公司")
    for demo in DEMO_USERS:
        if demo.username in ("qiye", "xiehui"):
            UserFactory(
                username=demo.username,
                role=demo.role,
                employer=employer if demo.employer_index == 0 else None,
            )
    summary = seed_visits_and_feedback()
    assert "1 visit done" in summary
    visit = AssistanceVisit.objects.get()
    assert (visit.employer, visit.state, visit.created_by.username) == (employer, VisitState.DONE, "qiye")
    assert visit.findings
    assert visit.advice
    answered = Feedback.objects.get(origin=FeedbackOrigin.PORTAL)
    assert (answered.state, answered.submitted_by.username) == (FeedbackState.ANSWERED, "qiye")
    assert Feedback.objects.filter(origin=FeedbackOrigin.PUBLIC).count() == 1
    assert seed_visits_and_feedback(sender=object()).endswith("already seeded.")  # as a receiver
    assert AssistanceVisit.objects.count() == 1
    assert Employer.objects.count() == 1
    assert User.objects.filter(username="qiye").count() == 1
