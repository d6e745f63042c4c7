"""The association's review queue and change page, as a staff user uses them."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from registry import selectors
from registry.models import Application, AuditEntry, RegistrationCertificate
from registry.services.audit import audit_record_many
from registry.services.materials import material_attach
from registry.workflow import ApplicationState
from tests.factories import ApplicationFactory, EmployerFactory, RegistrationCertificateFactory
from tests.portal_files import photo_png
from tests.registry.conftest import MONDAY, ready_rename_application
from workdays.working_days import add_working_days

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:registry_application_changelist")


def _transition(client, application, name, **data):
    url = reverse("admin:registry_application_transition", args=[application.pk, name])
    return client.post(url, data, follow=True)


def test_queue_runs_a_constant_number_of_queries(client, association_user, monday):
    client.force_login(association_user)
    ApplicationFactory.create_batch(10, submitted=True)
    client.get(QUEUE)  # warm up caches (content types, permissions, session)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(QUEUE).status_code == 200
    ApplicationFactory.create_batch(40, submitted=True)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.content.decode().count('class="action-select"') == 50
    assert len(fifty) == len(ten)


def test_queue_sorts_by_urgency_and_shows_working_days_left(client, association_user, monday):
    client.force_login(association_user)
    later = ApplicationFactory(accepted=True)  # due in 10 working days
    sooner = ApplicationFactory(submitted=True)  # due in 5
    overdue = ApplicationFactory(submitted=True, received_on=MONDAY - dt.timedelta(days=14))
    overdue.acceptance_due_on = overdue.current_due_on = MONDAY - dt.timedelta(days=7)
    overdue.save()
    ApplicationFactory(issued=True)  # no deadline: last
    response = client.get(QUEUE)
    ids = [a.pk for a in response.context["cl"].result_list]
    assert ids[:3] == [overdue.pk, sooner.pk, later.pk]
    body = response.content.decode()
    assert add_working_days(MONDAY, 5).isoformat() in body or "2026年3月9日" in body


@pytest.mark.parametrize(
    ("value", "expected"),
    [("overdue", {"overdue"}), ("today", {"today"}), ("soon", {"tomorrow", "in_two"})],
)
def test_deadline_filter(client, association_user, monday, value, expected):
    client.force_login(association_user)
    due = {
        "overdue": MONDAY - dt.timedelta(days=1),
        "today": MONDAY,
        "tomorrow": add_working_days(MONDAY, 1),
        "in_two": add_working_days(MONDAY, 2),
        "in_three": add_working_days(MONDAY, 3),
    }
    made = {name: ApplicationFactory(submitted=True, current_due_on=day) for name, day in due.items()}
    response = client.get(QUEUE, {"deadline": value})
    got = {a.pk for a in response.context["cl"].result_list}
    assert got == {made[name].pk for name in expected}


def test_search_by_full_id_masked_id_certificate_and_employer_code(client, association_user, monday):
    client.force_login(association_user)
    certificate = RegistrationCertificateFactory()
    target = ApplicationFactory(submitted=True, person=certificate.person, target_certificate=certificate)
    ApplicationFactory.create_batch(3, submitted=True)
    person = target.person
    for term in (person.id_number, person.masked_id_number, certificate.number, target.employer.uscc):
        response = client.get(QUEUE, {"q": term}, follow=True)
        ids = {a.pk for a in response.context["cl"].result_list}
        assert target.pk in ids, term
        assert len(ids) <= 2, term  # the certificate's own application may match too


def test_employer_filter_by_credit_code(client, association_user, monday):
    client.force_login(association_user)
    employer = EmployerFactory()
    mine = ApplicationFactory(submitted=True, employer=employer)
    ApplicationFactory(submitted=True)
    response = client.get(QUEUE, {"employer": employer.uscc.lower()})
    assert [a.pk for a in response.context["cl"].result_list] == [mine.pk]


def test_change_page_shows_only_the_legal_buttons(client, association_user, monday):
    client.force_login(association_user)
    application = ApplicationFactory(submitted=True)
    response = client.get(reverse("admin:registry_application_change", args=[application.pk]))
    names = {url.rstrip("/").rsplit("/", 1)[-1] for _label, url in response.context["transitions"]}
    assert names == {"accept", "not_accept", "request_corrections", "withdraw"}


def test_a_staff_user_takes_an_application_through_every_step(
    client, association_user, second_reviewer, monday
):
    """draft → submitted → corrections → resubmitted → accepted → approved → issued, all in the admin."""
    application = ready_rename_application()
    client.force_login(association_user)
    _transition(client, application, "submit")
    response = _transition(client, application, "request_corrections", items=["photo"], note="照片不清晰")
    assert response.status_code == 200
    # The clock stands still here: the replacement comes a minute after the notice, as it would.
    monday.shift(dt.timedelta(minutes=1))
    upload = reverse("admin:registry_application_attach", args=[application.pk])
    client.post(upload, {"kind": "photo", "file": SimpleUploadedFile("new.png", photo_png())})
    _transition(client, application, "resubmit")
    _transition(client, application, "accept")
    response = _transition(client, application, "approve")  # same person: refused
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED
    assert "error" in response.content.decode()
    client.force_login(second_reviewer)
    _transition(client, application, "approve")
    _transition(client, application, "issue")
    application.refresh_from_db()
    assert application.state == ApplicationState.ISSUED
    assert RegistrationCertificate.objects.filter(application=application).exists()
    assert list(
        AuditEntry.objects.filter(application=application).order_by("id").values_list("transition", flat=True)
    ) == ["submit", "request_corrections", "resubmit", "accept", "approve", "issue"]


def test_not_accept_and_deny_need_their_reason_form(client, association_user, second_reviewer, monday):
    client.force_login(association_user)
    application = ApplicationFactory(submitted=True)
    response = _transition(client, application, "not_accept", reason="")
    assert response.context["form"].errors
    _transition(client, application, "not_accept", reason="材料不全且逾期")
    application.refresh_from_db()
    assert (application.state, application.decision_reason) == ("not_accepted", "材料不全且逾期")


def test_bulk_actions_accept_and_issue(client, association_user, monday):
    client.force_login(association_user)
    submitted = ApplicationFactory.create_batch(3, submitted=True)
    approved = ApplicationFactory.create_batch(2, approved=True)
    client.post(QUEUE, {"action": "bulk_accept", "_selected_action": [a.pk for a in submitted]})
    assert set(
        Application.objects.filter(pk__in=[a.pk for a in submitted]).values_list("state", flat=True)
    ) == {"accepted"}
    response = client.post(
        QUEUE,
        {"action": "bulk_issue", "_selected_action": [a.pk for a in approved + submitted[:1]]},
        follow=True,
    )
    assert RegistrationCertificate.objects.count() == 2
    assert len([m for m in response.context["messages"] if m.level_tag == "error"]) == 1


def test_material_download_is_for_staff_with_permission_only(
    client, association_user, enterprise_user, monday
):
    application = ApplicationFactory()
    material = material_attach(
        application=application,
        kind="application_form",
        file=ContentFile(b"%PDF-1", name="form.pdf"),
        by=None,
    )
    url = reverse("admin:registry_application_material_download", args=[application.pk, material.pk])
    client.force_login(enterprise_user)
    assert client.get(url).status_code in (302, 403)
    client.force_login(association_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1"
    assert "attachment" in response["Content-Disposition"]


def test_audit_rows_are_never_granted_for_change_or_delete(association_user):
    assert association_user.has_perm("registry.view_auditentry")
    assert not association_user.has_perm("registry.change_auditentry")
    assert not association_user.has_perm("registry.delete_auditentry")


def test_change_page_queries_do_not_grow_with_history(client, association_user, monday):
    client.force_login(association_user)
    application = ApplicationFactory()

    def add(n: int) -> None:
        for _i in range(n):
            material_attach(
                application=application,
                kind="photo",
                file=ContentFile(b"x", name="p.jpg"),
                by=association_user,
            )
        audit_record_many(
            {
                "application": application,
                "transition": "x",
                "from_state": "a",
                "to_state": "b",
                "by": association_user,
            }
            for i in range(n)
        )

    add(1)
    url = reverse("admin:registry_application_change", args=[application.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_a_draft_added_in_the_admin_goes_through_the_service_and_is_audited(client, association_user, monday):
    from exams.models import MetrologyProject
    from tests.factories import PersonFactory

    client.force_login(association_user)
    person, employer = PersonFactory(), EmployerFactory()
    project = MetrologyProject.objects.first()
    url = reverse("admin:registry_application_add")
    data = {
        "kind": "initial",
        "person": person.pk,
        "employer": employer.pk,
        "level": 2,
        "projects": [project.pk],
    }
    for inline in client.get(url).context["inline_admin_formsets"]:  # the read-only inlines' management forms
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    application = Application.objects.get(person=person)
    assert list(application.projects.all()) == [project]
    assert application.created_by == association_user
    create = AuditEntry.objects.get(application=application)
    assert (create.transition, create.by) == ("create", association_user)
    # The workflow's own audit row records the creation; the admin hook does not record it again.
    assert not AuditEvent.objects.filter(target_type="registry.application").exists()


@pytest.mark.parametrize(("trait", "shows_save"), [("draft", True), ("submitted", False)])
def test_save_buttons_show_only_while_fields_can_change(client, association_user, monday, trait, shows_save):
    client.force_login(association_user)
    application = ApplicationFactory(**({trait: True} if trait != "draft" else {}))
    body = client.get(reverse("admin:registry_application_change", args=[application.pk])).content.decode()
    assert ('name="_save"' in body) is shows_save


def test_search_picks_one_lookup_by_the_terms_shape(client, association_user, monday):
    """Each kind of term finds exactly its application, and the changelist's query count stays the same."""
    client.force_login(association_user)
    certificate = RegistrationCertificateFactory()
    issued = certificate.application
    other = ApplicationFactory(submitted=True)
    person = issued.person
    masked = person.id_number[:4] + "*" * 10 + person.id_number[-4:]
    terms = {
        person.id_number: issued,
        person.id_number.lower(): issued,
        masked: issued,
        certificate.number: issued,
        issued.number: issued,
        issued.employer.uscc: issued,
        person.name: issued,
        other.person.name[:2]: other,
    }
    for term, expected in terms.items():
        response = client.get(QUEUE, {"q": term}, follow=True)
        found = list(response.context["cl"].result_list)
        assert expected in found, term
        assert not ({issued, other} - {expected}) & set(found), term


def test_queue_checkboxes_still_select_rows_for_actions(client, association_user, monday):
    client.force_login(association_user)
    application = ApplicationFactory(submitted=True)
    body = client.get(QUEUE).content.decode()
    assert f'name="_selected_action" value="{application.pk}"' in body


@pytest.mark.parametrize("broad", [False, True])
def test_a_name_search_finds_people_and_employers_by_either_path(
    client, association_user, monday, monkeypatch, broad
):
    """A name picking out few people and employers is looked up by key (a union of ids); a broad one by
    walking the queue (registry.selectors.applications_matching): both find the same applications."""
    if broad:  # every term counts as broad
        monkeypatch.setattr(selectors, "SELECTIVE_NAME_PEOPLE", 0)
    by_person = ApplicationFactory(submitted=True, person__name="欧阳明远")
    by_employer = ApplicationFactory(submitted=True, employer__name="明远精密仪器有限公司")
    neither = ApplicationFactory(submitted=True, person__name="李四", employer__name="松花江电力有限公司")
    client.force_login(association_user)
    found = {
        term: set(client.get(QUEUE, {"q": term}).context["cl"].result_list)
        for term in ("欧阳明远", "明远", "欧阳", "精密仪器", "赵")
    }
    assert found == {
        "欧阳明远": {by_person},
        "明远": {by_employer},  # a person's name matches from its start, an employer's anywhere
        "欧阳": {by_person},
        "精密仪器": {by_employer},
        "赵": set(),
    }
    assert neither not in set().union(*found.values())
