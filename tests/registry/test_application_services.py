"""The services of each transition: what they write, what they refuse, and that refusals write nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings

from registry.models import Application, AuditEntry, RegistrationCertificate
from registry.selectors import application_items_not_replaced
from registry.services import applications as services
from registry.services.materials import material_attach
from registry.workflow import ApplicationKind, ApplicationState, CertificateState
from tests.factories import ApplicationFactory, RegistrationCertificateFactory
from tests.registry.conftest import MONDAY, at, ready_rename_application
from workdays.working_days import add_working_days

pytestmark = pytest.mark.django_db


def test_submit_records_receipt_and_acceptance_deadline(monday, association_user):
    application = ready_rename_application()
    result = services.application_submit(application=application, by=association_user)
    assert result.state == ApplicationState.SUBMITTED
    assert result.received_on == MONDAY
    assert result.acceptance_due_on == add_working_days(MONDAY, 5)
    assert result.current_due_on == result.acceptance_due_on
    entry = AuditEntry.objects.get(application=application, transition="submit")
    assert (entry.from_state, entry.to_state, entry.by, entry.is_system) == (
        "draft",
        "submitted",
        association_user,
        False,
    )


def test_submit_refuses_missing_materials_and_ineligibility_all_at_once(monday, association_user):
    application = ApplicationFactory(kind=ApplicationKind.CHANGE_EMPLOYER_NAME, employer__suspended=True)
    with pytest.raises(ValidationError) as excinfo:
        services.application_submit(application=application, by=association_user)
    text = " ".join(excinfo.value.messages)
    assert "申请表" in text or "Application form" in text
    assert len(excinfo.value.messages) >= 4  # 3 missing kinds + employer + qualification + certificate
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert not AuditEntry.objects.filter(application=application, transition="submit").exists()


def test_authorised_verification_institution_is_not_eligible(monday, association_user):
    application = ready_rename_application()
    application.employer.is_authorised_verification_institution = True
    application.employer.save()
    with pytest.raises(ValidationError):
        services.application_submit(application=application, by=association_user)


@override_settings(REGISTRY_PILOT_END=dt.date(2026, 2, 28))
def test_closed_pilot_window_refuses_submission(monday, association_user):
    with pytest.raises(ValidationError, match=r"试点|pilot"):
        services.application_submit(application=ready_rename_application(), by=association_user)


def test_accept_sets_approval_due_from_receipt(monday, association_user):
    application = ApplicationFactory(submitted=True)
    monday.move_to(at(MONDAY + dt.timedelta(days=2)))
    result = services.application_accept(application=application, by=association_user)
    assert result.state == ApplicationState.ACCEPTED
    assert result.accepted_by == association_user
    assert result.approval_due_on == add_working_days(MONDAY, 10)
    assert result.current_due_on == result.approval_due_on
    assert result.acceptance_due_on is None


def test_correction_notice_stops_the_clock_and_resubmission_restarts_receipt(monday, association_user):
    application = ready_rename_application(submitted=True)
    result = services.application_request_corrections(
        application=application, items=["photo", "application_form"], note="照片模糊", by=association_user
    )
    assert result.state == ApplicationState.CORRECTIONS_REQUESTED
    assert result.current_due_on is None
    assert result.correction_items == ["photo", "application_form"]
    assert AuditEntry.objects.get(transition="request_corrections").detail == {
        "items": ["photo", "application_form"]
    }

    later = MONDAY + dt.timedelta(days=9)
    monday.move_to(at(later))
    _replace(application, "application_form")
    _replace(application, "photo")
    result = services.application_resubmit(application=application, by=association_user)
    assert result.received_on == later
    assert result.acceptance_due_on == add_working_days(later, 5)

    with pytest.raises(ValidationError, match=r"一次性|one-time"):
        services.application_request_corrections(
            application=application, items=["photo"], note="again", by=association_user
        )


def _replace(application, kind):
    material_attach(
        application=application, kind=kind, file=ContentFile(b"new", name=f"{kind}-new.pdf"), by=None
    )


def test_resubmission_is_refused_until_every_noticed_item_is_replaced(
    monday, association_user, django_assert_num_queries
):
    application = ready_rename_application(submitted=True)
    services.application_request_corrections(
        application=application,
        items=["application_form", "renaming_documents"],
        note="申请表未盖章；更名文件不全",
        by=association_user,
    )
    monday.move_to(at(MONDAY + dt.timedelta(days=1)))
    with pytest.raises(ValidationError) as refused:  # the files from before the notice do not count
        services.application_resubmit(application=application, by=association_user)
    assert refused.value.code == "corrections_not_replaced"
    assert "申请表" in refused.value.messages[0]
    assert "更名" in refused.value.messages[0]

    _replace(application, "application_form")  # one of two; an unrelated kind does not help either
    _replace(application, "other")
    with pytest.raises(ValidationError) as refused:
        services.application_resubmit(application=application, by=association_user)
    assert "更名" in refused.value.messages[0]
    assert "申请表" not in refused.value.messages[0]
    application.refresh_from_db()
    assert application.state == ApplicationState.CORRECTIONS_REQUESTED

    _replace(application, "renaming_documents")
    with django_assert_num_queries(2):
        assert application_items_not_replaced(application=application) == []
    result = services.application_resubmit(application=application, by=association_user)
    assert result.state == ApplicationState.SUBMITTED


def test_correction_notice_needs_content_and_known_kinds(monday, association_user):
    application = ApplicationFactory(submitted=True)
    with pytest.raises(ValidationError):
        services.application_request_corrections(
            application=application, items=[], note=" ", by=association_user
        )
    with pytest.raises(ValidationError):
        services.application_request_corrections(
            application=application, items=["passport"], note="", by=association_user
        )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


@pytest.mark.parametrize("service", [services.application_not_accept])
def test_not_accept_needs_a_reason(service, monday, association_user):
    application = ApplicationFactory(submitted=True)
    with pytest.raises(ValidationError):
        service(application=application, by=association_user, reason="  ")
    result = service(application=application, by=association_user, reason="非本省企业")
    assert result.state == ApplicationState.NOT_ACCEPTED
    assert result.current_due_on is None
    assert AuditEntry.objects.get(transition="not_accept").comment == "非本省企业"


def test_illegal_transition_gives_a_clear_message_and_writes_nothing(monday, association_user):
    application = ApplicationFactory(accepted=True)
    with pytest.raises(ValidationError) as excinfo:
        services.application_accept(application=application, by=association_user)
    assert excinfo.value.code == "transition_not_allowed"
    assert AuditEntry.objects.count() == 0


def test_separation_of_duties_on_by_default(monday, association_user, second_reviewer):
    application = ApplicationFactory(submitted=True)
    services.application_accept(application=application, by=association_user)
    with pytest.raises(ValidationError) as excinfo:
        services.application_deny(application=application, by=association_user, reason="x")
    assert excinfo.value.code == "separation_of_duties"
    result = services.application_deny(application=application, by=second_reviewer, reason="资格不符")
    assert result.state == ApplicationState.DENIED


@override_settings(REGISTRY_SEPARATE_ACCEPT_AND_APPROVE=False)
def test_separation_of_duties_can_be_switched_off(monday, association_user):
    application = ready_rename_application(submitted=True)
    services.application_accept(application=application, by=association_user)
    result = services.application_approve(application=application, by=association_user)
    assert result.state == ApplicationState.APPROVED
    assert result.issuance_due_on == add_working_days(MONDAY, 5)


def test_approval_rechecks_eligibility(monday, association_user, second_reviewer):
    application = ready_rename_application(submitted=True)
    services.application_accept(application=application, by=association_user)
    application.employer.status = application.employer.Status.SUSPENDED
    application.employer.save()
    with pytest.raises(ValidationError) as excinfo:
        services.application_approve(application=application, by=second_reviewer)
    assert {e.code for e in excinfo.value.error_list} == {"not_eligible"}


def test_withdraw_before_acceptance_only(monday, association_user):
    submitted = ApplicationFactory(submitted=True)
    assert services.application_withdraw(application=submitted, by=association_user).state == "withdrawn"
    accepted = ApplicationFactory(accepted=True)
    with pytest.raises(ValidationError):
        services.application_withdraw(application=accepted, by=association_user)


def test_deemed_acceptance_is_the_systems_act_and_never_a_rejection(monday):
    application = ApplicationFactory(submitted=True)
    due = application.acceptance_due_on
    monday.move_to(at(due))
    call_command("apply_deemed_acceptance")
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED  # the last day is still the association's

    monday.move_to(at(due + dt.timedelta(days=1), hour=0))
    call_command("apply_deemed_acceptance")
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED
    assert application.deemed_accepted
    assert application.accepted_on == MONDAY
    assert application.accepted_by is None
    entry = AuditEntry.objects.get(application=application, transition="deem_accept")
    assert entry.is_system
    assert entry.by is None


def test_deemed_acceptance_leaves_decided_and_paused_applications_alone(monday):
    paused = ApplicationFactory(corrections_requested=True)
    decided = ApplicationFactory(not_accepted=True)
    monday.move_to(at(MONDAY + dt.timedelta(days=30)))
    assert services.applications_deem_accepted_overdue() == []
    paused.refresh_from_db()
    decided.refresh_from_db()
    assert (paused.state, decided.state) == ("corrections_requested", "not_accepted")


def test_after_transition_runs_only_after_commit(
    monday, association_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_accept(application=application, by=association_user)
    assert len(callbacks) == 1
    assert callbacks[0].func is services._after_transition
    assert callbacks[0].args == (application.pk, "accept")


def test_audit_rows_cannot_be_rewritten_or_deleted(monday, association_user):
    application = ApplicationFactory(submitted=True)
    services.application_accept(application=application, by=association_user)
    entry = AuditEntry.objects.get()
    entry.comment = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get().comment == ""


# --- issuance per kind --------------------------------------------------------------------------------
def test_issue_change_supersedes_and_keeps_the_old_expiry(monday, association_user):
    application = ApplicationFactory(approved=True)
    old = RegistrationCertificateFactory(person=application.person, employer=application.employer)
    old.valid_until = dt.date(2029, 6, 30)
    old.save()
    application.kind = ApplicationKind.CHANGE_EMPLOYER_NAME
    application.target_certificate = old
    application.save()

    services.application_issue(application=application, by=association_user)
    old.refresh_from_db()
    new = RegistrationCertificate.objects.get(application=application)
    assert old.state == CertificateState.SUPERSEDED
    assert new.previous == old
    assert new.valid_until == dt.date(2029, 6, 30)
    assert new.state == CertificateState.VALID
    assert new.number == f"HLJ-ZC2-{MONDAY.year}-00001"


def test_issue_renewal_starts_a_new_period_after_the_old(monday, association_user):
    old = RegistrationCertificateFactory()
    old.valid_until = MONDAY + dt.timedelta(days=20)
    old.save()
    application = ApplicationFactory(
        approved=True,
        kind=ApplicationKind.RENEWAL,
        person=old.person,
        employer=old.employer,
        target_certificate=old,
    )
    services.application_issue(application=application, by=association_user)
    new = RegistrationCertificate.objects.get(application=application)
    assert new.valid_from == old.valid_until + dt.timedelta(days=1)
    assert new.valid_until == dt.date(2031, 3, 22)  # 5 years less a day


def test_issue_cancellation_cancels_and_creates_nothing(monday, association_user):
    old = RegistrationCertificateFactory()
    application = ApplicationFactory(
        approved=True,
        kind=ApplicationKind.CANCELLATION,
        person=old.person,
        employer=old.employer,
        target_certificate=old,
    )
    services.application_issue(application=application, by=association_user)
    old.refresh_from_db()
    assert old.state == CertificateState.CANCELLED
    assert not RegistrationCertificate.objects.filter(application=application).exists()
    assert AuditEntry.objects.filter(certificate=old, transition="cancel").exists()


def test_issue_initial_is_valid_five_years_less_a_day(monday, association_user):
    application = ApplicationFactory(approved=True)
    services.application_issue(application=application, by=association_user)
    certificate = RegistrationCertificate.objects.get(application=application)
    assert (certificate.valid_from, certificate.valid_until) == (MONDAY, dt.date(2031, 3, 1))
    assert Application.objects.get(pk=application.pk).current_due_on is None


def test_bulk_accept_reports_each_refused_row_and_keeps_the_rest(
    monday, association_user, django_assert_max_num_queries
):
    good = ApplicationFactory.create_batch(10, submitted=True)
    bad = ApplicationFactory(accepted=True)
    ids = [a.pk for a in good] + [bad.pk]
    # Per row: savepoint, lock, transition, audit (with the chain's advisory lock on PostgreSQL), and 2
    # to address the employer's e-mail (its row and its users' addresses; these employers have none, so
    # nothing goes into the outbox). A constant per row: no query grows with the batch.
    with django_assert_max_num_queries(2 + 11 * len(ids)):
        result = services.application_bulk_accept(application_ids=ids, by=association_user)
    assert sorted(a.pk for a in result.done) == sorted(a.pk for a in good)
    assert list(result.failed) == [bad.pk]
    assert "“已受理”" in result.failed[bad.pk][0] or "Accepted" in result.failed[bad.pk][0]
    assert AuditEntry.objects.filter(transition="accept").count() == 10


def test_bulk_issue_numbers_in_order_without_gaps(monday, association_user):
    applications = ApplicationFactory.create_batch(5, approved=True, level=1)
    result = services.application_bulk_issue(
        application_ids=[a.pk for a in applications], by=association_user
    )
    assert not result.failed
    numbers = list(RegistrationCertificate.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == [f"HLJ-ZC1-{MONDAY.year}-{n:05d}" for n in range(1, 6)]
