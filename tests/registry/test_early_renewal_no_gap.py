"""Issue 14, item 2: a renewal issued early leaves no gap.

The case: a renewal issued on 2026-05-20 for a certificate valid to 06-30. The new certificate runs from
07-01; until then the old one stays valid (holder list, /verify/, eligibility, PDF), and the daily sweep
supersedes it on 07-01, the day the new one starts (docs/decisions/0090).
"""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from registry.eligibility import (
    Candidate,
    application_eligibility_problems,
    certificate_valid_on,
    certificates_in_force,
    eligibility_problems,
)
from registry.models import AuditEntry, RegistrationCertificate
from registry.services import applications as services
from registry.services.certificates import certificates_expire, certificates_supersede_started
from registry.workflow import ApplicationKind, CertificateState
from tests.factories import (
    ApplicationFactory,
    EmployerFactory,
    MetrologyProjectFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.registry.conftest import at

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2026, 6, 30)
OVERRIDE = "继续教育记录另行核实"
ISSUED = dt.date(2026, 5, 20)
STARTS = dt.date(2026, 7, 1)


def on(day: dt.date):
    return time_machine.travel(at(day), tick=False)


@pytest.fixture
def old(db):
    with on(dt.date(2021, 7, 1)):
        certificate = RegistrationCertificateFactory(projects=[MetrologyProjectFactory()])
        call_command("generate_missing_pdfs", stdout=io.StringIO())
    certificate.refresh_from_db()
    assert certificate.valid_until == LAST_DAY
    return certificate


@pytest.fixture
def clerk(old):
    return UserFactory(username="clerk", role=Role.ENTERPRISE, employer=old.employer)


@pytest.fixture
def new(old, association_user, django_capture_on_commit_callbacks):
    with on(ISSUED):
        renewal = ApplicationFactory(
            approved=True,
            kind=ApplicationKind.RENEWAL,
            person=old.person,
            employer=old.employer,
            level=old.level,
            target_certificate=old,
        )
        with django_capture_on_commit_callbacks(execute=True):  # PDFs rendered in-process (eager)
            services.application_issue(application=renewal, by=association_user)
    old.refresh_from_db()
    return RegistrationCertificate.objects.get(application=renewal)


def _holders(client, clerk) -> str:
    client.force_login(clerk)
    html = client.get(reverse("portal:holders")).content.decode()
    client.logout()
    return html


def _verify(client, certificate) -> str:
    return client.get(f"/verify/{certificate.verification_token}/").content.decode()


def test_an_early_renewal_keeps_the_old_certificate_valid_until_the_new_one_starts(old, new, clerk, client):
    assert (new.valid_from, new.valid_until) == (STARTS, dt.date(2031, 6, 30))
    assert new.previous_id == old.pk
    assert old.state == CertificateState.VALID
    assert old.ended_on is None
    assert (old.pdf_state, new.pdf_state) == ("valid", "valid")

    for day in (ISSUED, dt.date(2026, 6, 10), LAST_DAY):
        with on(day):
            assert certificates_expire() == 0
            old.refresh_from_db()
            assert old.state == CertificateState.VALID, day
            # exactly one certificate in force on each day: the old one
            in_force = list(certificates_in_force(day).filter(person=old.person))
            assert in_force == [old], day
            assert certificate_valid_on(old, day)
            assert not certificate_valid_on(new, day)
            holders = _holders(client, clerk)
            assert old.number in holders
            assert new.number not in holders
            page = _verify(client, old)
            assert "state-valid" in page
            assert "state-superseded" not in page
            assert 'data-testid="not-yet-valid"' in _verify(client, new)

    with on(STARTS):
        assert certificates_expire() == 0  # superseded, not expired
    old.refresh_from_db()
    assert old.state == CertificateState.SUPERSEDED
    assert old.ended_on == STARTS
    entry = AuditEntry.objects.get(certificate=old, transition="supersede")
    assert entry.by is None  # the system's act
    with on(STARTS):
        assert list(certificates_in_force(STARTS).filter(person=old.person)) == [new]
        holders = _holders(client, clerk)
        assert new.number in holders
        assert old.number not in holders
        assert "state-superseded" in _verify(client, old)
        page = _verify(client, new)
        assert "state-valid" in page
        assert 'data-testid="not-yet-valid"' not in page
        # the old PDF stays as signed (valid when issued); /verify/ above says it is superseded
        call_command("generate_missing_pdfs", stdout=io.StringIO())
    old.refresh_from_db()
    assert (old.state, old.pdf_state) == ("superseded", "valid")


def test_a_sweep_that_missed_the_start_day_still_supersedes_on_that_day_and_never_expires(old, new):
    late = STARTS + dt.timedelta(days=4)
    with on(late):
        assert certificates_expire() == 0
    old.refresh_from_db()
    assert (old.state, old.ended_on) == (CertificateState.SUPERSEDED, STARTS)
    assert not AuditEntry.objects.filter(certificate=old, transition="expire").exists()
    with on(late):
        assert certificates_supersede_started() == 0  # idempotent


def test_during_the_overlap_eligibility_sees_one_valid_registration(old, new):
    """Two valid certificates of the level, never valid on the same day: `holds_valid_certificate` is
    said once, and a change or cancellation of the renewed certificate is refused with a code, not a
    crash (it already has its successor)."""
    QualificationCertificateFactory(person=old.person, level=old.level)
    day = dt.date(2026, 6, 10)
    with on(day):
        initial = Candidate(
            row=1,
            kind=ApplicationKind.INITIAL,
            level=old.level,
            employer=EmployerFactory(),
            person_id=old.person_id,
        )
        codes = [p.code for p in eligibility_problems([initial], on=day)]
        assert codes.count("holds_valid_certificate") == 1
        for kind in (ApplicationKind.CANCELLATION, ApplicationKind.CHANGE_EMPLOYER_NAME):
            application = ApplicationFactory(
                kind=kind, person=old.person, employer=old.employer, level=old.level, target_certificate=old
            )
            codes = {p.code for p in application_eligibility_problems(application, on=day)}
            assert "certificate_renewed" in codes, kind
            application.delete()
        renewal_again = ApplicationFactory(
            kind=ApplicationKind.RENEWAL,
            person=old.person,
            employer=old.employer,
            level=old.level,
            target_certificate=old,
        )
        codes = {p.code for p in application_eligibility_problems(renewal_again, on=day)}
        assert "certificate_renewed" in codes
        # the new certificate is not valid yet: nothing can act on it before it starts
        on_new = ApplicationFactory(
            kind=ApplicationKind.CANCELLATION,
            person=old.person,
            employer=old.employer,
            level=old.level,
            target_certificate=new,
        )
        codes = {p.code for p in application_eligibility_problems(on_new, on=day)}
        assert "certificate_not_valid" in codes


def test_a_renewal_issued_after_the_end_supersedes_at_once(old, association_user):
    day = STARTS + dt.timedelta(days=2)
    with on(dt.date(2026, 6, 25)):
        renewal = ApplicationFactory(
            accepted=True,
            kind=ApplicationKind.RENEWAL,
            person=old.person,
            employer=old.employer,
            level=old.level,
            target_certificate=old,
        )
    with on(day):
        assert certificates_expire() == 0  # pending: kept
        # The holder has no hours in the ledger: approved with the reason the shortfall needs (0095).
        renewal = services.application_approve(
            application=renewal, by=UserFactory(role=Role.ASSOCIATION), override_reason=OVERRIDE
        )
        services.application_issue(application=renewal, by=association_user)
    old.refresh_from_db()
    new = RegistrationCertificate.objects.get(application=renewal)
    assert (old.state, old.ended_on) == (CertificateState.SUPERSEDED, day)
    assert new.valid_from == STARTS


def test_a_certificate_renewed_early_gets_no_expiry_reminder(old, new):
    from registry.models import NotificationLog
    from registry.services.reminders import reminders_send_certificate_expiry

    with on(dt.date(2026, 6, 5)):  # within 30 days of the old end
        reminders_send_certificate_expiry()
    keys = list(NotificationLog.objects.values_list("key", flat=True))
    assert not [k for k in keys if k.startswith(f"certificate:{old.pk}:expiry")]
