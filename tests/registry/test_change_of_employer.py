"""Change of employer (变更执业单位), issue 14 item 6: a holder who moves to another Heilongjiang enterprise
is re-registered through the NEW employer without losing the registration; the old employer is told and
its link ends (docs/decisions/0091-change-of-employer-and-lapse.md)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from registry import selectors
from registry.eligibility import Candidate, eligibility_problems
from registry.models import Application, AuditEntry, NotificationLog, RegistrationCertificate
from registry.portal_batch_forms import HolderStartForm
from registry.services import applications as services
from registry.services.intake import (
    RowsRejected,
    batch_add_applicant,
    batch_import_rows,
    batch_rows_problems,
)
from registry.spreadsheets import KIND_LABELS, SheetRow, record_mismatch_message
from registry.workflow import ApplicationKind, ApplicationState, CertificateState
from tests.factories import (
    BatchFactory,
    EmployerFactory,
    MetrologyProjectFactory,
    PersonFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.registry.conftest import MONDAY, attach_required

pytestmark = pytest.mark.django_db

MOVE = ApplicationKind.CHANGE_EMPLOYER


@pytest.fixture
def held():
    """A level-2 certificate held through employer A (valid to 2029-06-30, two projects), and employer B
    the holder has moved to, with a clerk each."""
    old_employer = EmployerFactory(name="哈尔滨旧厂", contact_email="old@example.cn")
    new_employer = EmployerFactory(name="齐齐哈尔新厂", contact_email="new@example.cn")
    certificate = RegistrationCertificateFactory(
        application__employer=old_employer,
        projects=[MetrologyProjectFactory(), MetrologyProjectFactory()],
    )
    certificate.valid_until = dt.date(2029, 6, 30)
    certificate.save()
    QualificationCertificateFactory(person=certificate.person, level=certificate.level)
    return {
        "certificate": certificate,
        "old": old_employer,
        "new": new_employer,
        "old_clerk": UserFactory(username="oldclerk", role=Role.ENTERPRISE, employer=old_employer),
        "new_clerk": UserFactory(username="newclerk", role=Role.ENTERPRISE, employer=new_employer),
    }


def _form_data(certificate, **changes) -> dict:
    data = {
        "kind": MOVE,
        "name": certificate.person.name,
        "id_number": certificate.person.id_number,
        "phone": "",
        "level": certificate.level,
        "qualification_number": "",
        "qualification_date": None,
        "projects": [],
        "target_certificate": None,
        "target_certificate_number": certificate.number,
    }
    return data | changes


def _codes(candidate: Candidate) -> set[str]:
    return {p.code for p in eligibility_problems([candidate], on=MONDAY)}


def test_change_of_employer_moves_the_registration_to_the_new_employer(
    monday, held, association_user, second_reviewer
):
    old = held["certificate"]
    projects = set(old.projects.values_list("pk", flat=True))
    batch = BatchFactory(employer=held["new"])
    application = batch_add_applicant(batch=batch, data=_form_data(old), by=held["new_clerk"])
    assert (application.kind, application.employer, application.target_certificate) == (
        MOVE,
        held["new"],
        old,
    )
    attach_required(application)
    services.application_submit(application=application, by=held["new_clerk"])
    services.application_accept(application=application, by=association_user)
    services.application_approve(application=application, by=second_reviewer)
    issued = services.application_issue(application=application, by=association_user)
    assert issued.state == ApplicationState.ISSUED

    old.refresh_from_db()
    new = RegistrationCertificate.objects.get(application=application)
    assert (old.state, old.ended_on) == (CertificateState.SUPERSEDED, MONDAY)
    assert (new.state, new.employer, new.person, new.level) == (
        CertificateState.VALID,
        held["new"],
        old.person,
        old.level,
    )
    assert new.previous == old
    assert (new.valid_from, new.valid_until) == (MONDAY, dt.date(2029, 6, 30))  # the expiry is kept
    assert set(new.projects.values_list("pk", flat=True)) == projects
    assert AuditEntry.objects.filter(certificate=old, transition="supersede").exists()

    # The old employer is told, in the issuing transaction's outbox, without naming the new employer.
    told = NotificationLog.objects.get(key=f"certificate:{old.pk}:moved:former_employer")
    assert "old@example.cn" in told.recipient
    assert "new@example.cn" not in told.recipient
    assert old.number in told.body
    assert held["new"].name not in told.body
    # ... and loses sight of the holder; the new employer lists them.
    assert not selectors.employer_valid_certificates(employer=held["old"], on=MONDAY).exists()
    assert list(selectors.employer_valid_certificates(employer=held["new"], on=MONDAY)) == [new]


def test_change_of_employer_is_refused_to_the_employer_the_certificate_names(monday, held):
    old = held["certificate"]
    candidate = Candidate(
        row=1, kind=MOVE, level=old.level, employer=held["old"], person_id=old.person_id,
        target_certificate_id=old.pk,
    )  # fmt: skip
    assert "same_employer" in _codes(candidate)
    with pytest.raises(RowsRejected) as excinfo:
        batch_add_applicant(
            batch=BatchFactory(employer=held["old"]), data=_form_data(old), by=held["old_clerk"]
        )
    assert any("same_employer" in p.codes for p in excinfo.value.problems)


def test_change_of_employer_is_accepted_from_another_employer(monday, held):
    old = held["certificate"]
    candidate = Candidate(
        row=1, kind=MOVE, level=old.level, employer=held["new"], person_id=old.person_id,
        target_certificate_id=old.pk,
    )  # fmt: skip
    assert _codes(candidate) == set()


def test_change_of_employer_answers_an_unknown_number_and_another_persons_number_alike(monday, held):
    """No oracle: the new employer learns nothing about who holds which number."""
    old = held["certificate"]
    other = RegistrationCertificateFactory()  # someone else's valid certificate
    batch = BatchFactory(employer=held["new"])
    answers = []
    for number in ("HLJ-ZC2-2026-99999", other.number):
        with pytest.raises(RowsRejected) as excinfo:
            batch_add_applicant(
                batch=batch, data=_form_data(old, target_certificate_number=number), by=held["new_clerk"]
            )
        (problem,) = excinfo.value.problems
        assert problem.codes == ("moved_certificate_not_found",)
        answers.append(problem.message)
    assert answers[0] == answers[1] == record_mismatch_message()
    # A wrong name for the right number is the same answer too.
    with pytest.raises(RowsRejected) as excinfo:
        batch_add_applicant(batch=batch, data=_form_data(old, name="李某某"), by=held["new_clerk"])
    assert [p.message for p in excinfo.value.problems] == [record_mismatch_message()]


def test_change_of_employer_needs_the_certificate_number(monday, held):
    old = held["certificate"]
    candidate = Candidate(
        row=1, kind=MOVE, level=old.level, employer=held["new"], person_id=old.person_id,
        target_from_holder=True,
    )  # fmt: skip
    assert _codes(candidate) == {"no_certificate"}  # never "the one held through the applying employer"


def test_change_of_employer_of_an_ended_certificate_is_refused(monday, held, association_user):
    old = held["certificate"]
    old.revoke(on=MONDAY, reason="挂靠")
    old.save()
    candidate = Candidate(
        row=1, kind=MOVE, level=old.level, employer=held["new"], person_id=old.person_id,
        target_certificate_id=old.pk,
    )  # fmt: skip
    assert _codes(candidate) == {"certificate_not_valid"}


def test_change_of_employer_level_must_match(monday, held):
    old = held["certificate"]
    candidate = Candidate(
        row=1, kind=MOVE, level=1, employer=held["new"], person_id=old.person_id,
        target_certificate_id=old.pk,
    )  # fmt: skip
    assert _codes(candidate) == {"level_mismatch"}


def test_change_of_employer_is_not_an_initial_registration(monday, held):
    """The new employer's initial application stays refused (the person holds a valid registration):
    the move is the way, not a second registration."""
    old = held["certificate"]
    candidate = Candidate(
        row=1, kind=ApplicationKind.INITIAL, level=old.level, employer=held["new"],
        person_id=old.person_id, qualification_number="",
    )  # fmt: skip
    assert "holds_valid_certificate" in _codes(candidate)


def test_change_of_employer_is_refused_at_approval_once_the_old_employer_cancelled(
    monday, held, association_user, second_reviewer
):
    """The old employer's cancellation, issued first, ends the registration: the move cannot follow."""
    old = held["certificate"]
    application = batch_add_applicant(
        batch=BatchFactory(employer=held["new"]), data=_form_data(old), by=held["new_clerk"]
    )
    attach_required(application)
    services.application_submit(application=application, by=held["new_clerk"])
    services.application_accept(application=application, by=association_user)
    old.cancel(on=MONDAY)
    old.save()
    with pytest.raises(ValidationError) as excinfo:
        services.application_approve(application=application, by=second_reviewer)
    assert {e.code for e in excinfo.value.error_list} == {"not_eligible"}


def test_change_of_employer_another_employer_cannot_see_the_holder(client, monday, held):
    """Before the move the new employer cannot open the holder's page or certificate; after it the old
    employer cannot, and its holder list no longer shows the person."""
    old = held["certificate"]
    client.force_login(held["new_clerk"])
    assert client.get(reverse("portal:holder_detail", args=[old.pk])).status_code == 404
    assert client.get(reverse("portal:certificate_pdf", args=[old.pk])).status_code == 404

    application = batch_add_applicant(
        batch=BatchFactory(employer=held["new"]), data=_form_data(old), by=held["new_clerk"]
    )
    application = services.application_issue(
        application=_approved(application), by=UserFactory(role=Role.ASSOCIATION)
    )
    new = RegistrationCertificate.objects.get(application=application)
    assert client.get(reverse("portal:holder_detail", args=[new.pk])).status_code == 200

    client.force_login(held["old_clerk"])
    assert client.get(reverse("portal:holder_detail", args=[old.pk])).status_code == 404
    assert client.get(reverse("portal:holder_detail", args=[new.pk])).status_code == 404
    assert client.get(reverse("portal:certificate_pdf", args=[new.pk])).status_code == 404
    page = client.get(reverse("portal:holders")).content.decode()
    assert old.person.name not in page


def _approved(application):
    """Through the services to approved, by two association staff."""
    attach_required(application)
    application = services.application_submit(application=application, by=application.created_by)
    application = services.application_accept(application=application, by=UserFactory(role=Role.ASSOCIATION))
    return services.application_approve(application=application, by=UserFactory(role=Role.ASSOCIATION))


def test_change_of_employer_is_offered_to_the_new_employer_only():
    holder_kinds = {value for value, _label in HolderStartForm.base_fields["kind"].choices}
    assert MOVE not in holder_kinds  # the old employer's holder page does not offer it
    assert "变更注册（变更执业单位）" in KIND_LABELS  # the spreadsheet does
    assert ApplicationKind(MOVE).needs_target_certificate
    assert not ApplicationKind(MOVE).needs_projects
    assert not ApplicationKind(MOVE).needs_qualification


def test_change_of_employer_of_a_person_not_on_record_is_the_record_answer(monday, held):
    old = held["certificate"]
    stranger = PersonFactory.build()
    with pytest.raises(RowsRejected) as excinfo:
        batch_add_applicant(
            batch=BatchFactory(employer=held["new"]),
            data=_form_data(old, id_number=stranger.id_number, name=stranger.name),
            by=held["new_clerk"],
        )
    assert [p.message for p in excinfo.value.problems] == [record_mismatch_message()]


def test_change_of_employer_is_in_the_demo_once():
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    (application,) = Application.objects.filter(kind=MOVE)
    assert application.state == ApplicationState.ISSUED
    new = RegistrationCertificate.objects.get(application=application)
    old = new.previous
    assert (old.state, old.employer.name) == (CertificateState.SUPERSEDED, "齐齐哈尔重工量具有限公司")
    assert (new.state, new.employer.name) == (CertificateState.VALID, "大庆龙华石化设备有限公司")
    assert new.valid_until == old.valid_until
    assert NotificationLog.objects.filter(key=f"certificate:{old.pk}:moved:former_employer").exists()


def _row(certificate, **changes) -> SheetRow:
    values = {
        "row": 2,
        "name": certificate.person.name,
        "id_number": certificate.person.id_number,
        "phone": "",
        "level": certificate.level,
        "qualification_number": "",
        "qualification_date": None,
        "project_codes": (),
        "kind": MOVE,
        "target_certificate_number": certificate.number,
    }
    return SheetRow(**(values | changes))


def test_change_of_employer_by_spreadsheet_names_the_certificate_by_number(monday, held):
    old = held["certificate"]
    batch = BatchFactory(employer=held["new"])
    missing = batch_rows_problems(batch=batch, rows=[_row(old, target_certificate_number="")], on=MONDAY)
    assert [(e.row, e.codes) for e in missing] == [(2, ("no_certificate",))]
    (application,) = batch_import_rows(batch=batch, rows=[_row(old)], by=held["new_clerk"], on=MONDAY)
    assert (application.kind, application.employer_id, application.target_certificate_id) == (
        MOVE,
        held["new"].pk,
        old.pk,
    )


def test_change_of_employer_from_the_portal_form(client, monday, held):
    old = held["certificate"]
    batch = BatchFactory(employer=held["new"])
    client.force_login(held["new_clerk"])
    url = reverse("portal:applicant_add", args=[batch.pk])
    assert 'name="target_certificate_number"' in client.get(url).content.decode()
    post = {
        "kind": MOVE,
        "name": old.person.name,
        "id_number": old.person.id_number,
        "level": old.level,
        "target_certificate_number": "",
    }
    refused = client.post(url, post)
    assert refused.status_code == 200
    assert refused.context["form"].errors["target_certificate_number"]
    done = client.post(url, post | {"target_certificate_number": old.number.lower()})
    application = Application.objects.get(batch=batch)
    assert done.status_code == 302
    assert done["Location"] == reverse("portal:application_detail", args=[application.pk])
    assert (application.kind, application.target_certificate) == (MOVE, old)
