"""Issue 14, item 1: a renewal applied for in time is not lost through the association's processing time.

The case: a certificate valid to 2026-05-31 gets a renewal on 05-27 (in its window), accepted on 05-28;
the expiry sweep on 06-01 must spare it (the registration stays valid, "renewal being decided"), and the
approval on 06-02 must be possible, judged on the receipt date. The new certificate continues the old
one: valid from 06-01 (Administrative Licensing Law art. 50; docs/decisions/0090).
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from registry.eligibility import (
    Candidate,
    application_eligibility_problems,
    certificate_renewal_pending,
    eligibility_problems,
)
from registry.models import AuditEntry, RegistrationCertificate
from registry.services import applications as services
from registry.services.certificates import certificates_expire
from registry.workflow import ApplicationKind, ApplicationState, CertificateState
from tests.factories import (
    ApplicationFactory,
    EmployerFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.registry.conftest import at, attach_required

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2026, 5, 31)  # a Sunday: the certificate's printed last day
RECEIVED = dt.date(2026, 5, 27)  # Wednesday, within the 30 working days before it
ACCEPTED = dt.date(2026, 5, 28)
SWEEP = dt.date(2026, 6, 1)
APPROVED = dt.date(2026, 6, 2)
ISSUED = dt.date(2026, 6, 3)
# The holders here have no hours in the ledger: approval needs the reason for the shortfall (decision 0095).
OVERRIDE = "继续教育记录另行核实"


def on(day: dt.date):
    return time_machine.travel(at(day), tick=False)


@pytest.fixture
def staff(db):
    return UserFactory(username="accepter", role=Role.ASSOCIATION), UserFactory(
        username="approver", role=Role.ASSOCIATION
    )


@pytest.fixture
def certificate(db):
    with on(dt.date(2021, 6, 1)):
        certificate = RegistrationCertificateFactory()
    assert certificate.valid_until == LAST_DAY
    return certificate


@pytest.fixture
def clerk(certificate):
    return UserFactory(username="clerk", role=Role.ENTERPRISE, employer=certificate.employer)


def _renewal_submitted(certificate, clerk):
    with on(RECEIVED):
        renewal = ApplicationFactory(
            kind=ApplicationKind.RENEWAL,
            person=certificate.person,
            employer=certificate.employer,
            level=certificate.level,
            target_certificate=certificate,
        )
        attach_required(renewal)
        return services.application_submit(application=renewal, by=clerk)


def _renewal_accepted(certificate, clerk, accepter):
    renewal = _renewal_submitted(certificate, clerk)
    with on(ACCEPTED):
        return services.application_accept(application=renewal, by=accepter)


def _verify_html(client, certificate) -> str:
    response = client.get(f"/verify/{certificate.verification_token}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_renewal_pending_at_expiry_keeps_the_registration_and_can_still_be_approved(
    certificate, clerk, staff, client
):
    accepter, approver = staff
    renewal = _renewal_accepted(certificate, clerk, accepter)

    with on(SWEEP):
        assert certificates_expire() == 0
        certificate.refresh_from_db()
        assert certificate.state == CertificateState.VALID
        assert certificate.ended_on is None
        assert certificate_renewal_pending(certificate, SWEEP)
        # the holders list and /verify/ agree: still held, valid, renewal being decided
        client.force_login(clerk)
        holders = client.get(reverse("portal:holders")).content.decode()
        assert certificate.number in holders
        assert 'data-testid="renewal-pending"' in holders
        detail = client.get(reverse("portal:holder_detail", args=[certificate.pk]))
        assert detail.status_code == 200
        client.logout()
        page = _verify_html(client, certificate)
        assert "state-valid" in page
        assert 'data-testid="renewal-pending"' in page

    with on(APPROVED):
        assert application_eligibility_problems(renewal, on=APPROVED) == []
        renewal = services.application_approve(application=renewal, by=approver, override_reason=OVERRIDE)
        assert renewal.state == ApplicationState.APPROVED
        assert certificates_expire() == 0  # approved, not yet issued: still being decided

    with on(ISSUED):
        services.application_issue(application=renewal, by=approver)
    new = RegistrationCertificate.objects.get(application=renewal)
    certificate.refresh_from_db()
    # continuity: the new period starts the day after the old one's last day, not on the issue date
    assert (new.valid_from, new.valid_until) == (dt.date(2026, 6, 1), dt.date(2031, 5, 31))
    assert new.previous_id == certificate.pk
    assert certificate.state == CertificateState.SUPERSEDED
    assert certificate.ended_on == ISSUED
    assert not AuditEntry.objects.filter(certificate=certificate, transition="expire").exists()

    with on(ISSUED + dt.timedelta(days=1)):
        assert certificates_expire() == 0
        client.force_login(clerk)
        holders = client.get(reverse("portal:holders")).content.decode()
        assert new.number in holders
        assert certificate.number not in holders
        assert 'data-testid="renewal-pending"' not in holders
        client.logout()
        assert "state-superseded" in _verify_html(client, certificate)
        page = _verify_html(client, new)
        assert "state-valid" in page
        assert 'data-testid="renewal-pending"' not in page


def test_the_approval_judges_the_renewal_on_its_receipt_date_not_today(certificate, clerk, staff):
    accepter, _approver = staff
    renewal = _renewal_accepted(certificate, clerk, accepter)
    # Judged on the day of approval, as before the fix, the certificate would be "no longer valid".
    with on(APPROVED):
        assert renewal.received_on == RECEIVED
        assert application_eligibility_problems(renewal, on=APPROVED) == []


@pytest.mark.parametrize("ending", ["deny", "not_accept", "withdraw"])
def test_a_renewal_ending_without_a_certificate_lets_the_next_sweep_expire_it(
    certificate, clerk, staff, ending
):
    accepter, approver = staff
    renewal = _renewal_submitted(certificate, clerk)
    with on(SWEEP):
        assert certificates_expire() == 0
    day = APPROVED
    with on(day):
        if ending == "deny":
            renewal = services.application_accept(application=renewal, by=accepter)
            services.application_deny(application=renewal, by=approver, reason="继续教育学时不足")
        elif ending == "not_accept":
            services.application_not_accept(application=renewal, by=accepter, reason="材料不符合要求")
        else:
            services.application_withdraw(application=renewal, by=clerk)
        certificate.refresh_from_db()
        assert certificate.state == CertificateState.VALID  # until the sweep runs
        assert not certificate_renewal_pending(certificate, day)
    with on(day + dt.timedelta(days=1)):
        assert certificates_expire() == 1
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.EXPIRED
    assert certificate.ended_on == day + dt.timedelta(days=1)


def test_a_renewal_sent_back_for_corrections_keeps_it_and_may_be_resubmitted_after_the_end(
    certificate, clerk, staff
):
    accepter, approver = staff
    renewal = _renewal_submitted(certificate, clerk)
    with on(ACCEPTED):
        renewal = services.application_request_corrections(
            application=renewal, items=["photo"], note="照片不清晰", by=accepter
        )
    with on(SWEEP):
        assert certificates_expire() == 0
    resubmitted_on = dt.date(2026, 6, 4)
    with on(resubmitted_on):
        attach_required(renewal)
        renewal = services.application_resubmit(application=renewal, by=clerk)
        assert renewal.received_on == resubmitted_on
    with on(dt.date(2026, 6, 5)):
        renewal = services.application_accept(application=renewal, by=accepter)
        assert certificates_expire() == 0
    with on(dt.date(2026, 6, 8)):
        renewal = services.application_approve(application=renewal, by=approver, override_reason=OVERRIDE)
        services.application_issue(application=renewal, by=approver)
    new = RegistrationCertificate.objects.get(application=renewal)
    assert new.valid_from == dt.date(2026, 6, 1)


def test_a_draft_renewal_keeps_nothing(certificate, clerk):
    with on(RECEIVED):
        ApplicationFactory(
            kind=ApplicationKind.RENEWAL,
            person=certificate.person,
            employer=certificate.employer,
            level=certificate.level,
            target_certificate=certificate,
        )
    with on(SWEEP):
        assert certificates_expire() == 1
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.EXPIRED


def test_a_renewal_first_submitted_after_the_end_is_refused_even_before_the_sweep(certificate, clerk):
    with on(SWEEP):  # the sweep has not run yet: the stored state still says valid
        renewal = ApplicationFactory(
            kind=ApplicationKind.RENEWAL,
            person=certificate.person,
            employer=certificate.employer,
            level=certificate.level,
            target_certificate=certificate,
        )
        attach_required(renewal)
        with pytest.raises(ValidationError):
            services.application_submit(application=renewal, by=clerk)
        codes = {p.code for p in application_eligibility_problems(renewal, on=SWEEP)}
        assert codes == {"certificate_not_valid"}
        assert certificates_expire() == 1


def test_a_revoked_certificate_is_not_kept_by_its_pending_renewal(certificate, clerk, staff):
    from registry.services.certificates import certificate_revoke

    accepter, _approver = staff
    renewal = _renewal_accepted(certificate, clerk, accepter)
    with on(SWEEP):
        certificate_revoke(certificate=certificate, by=accepter, reason="出租出借注册证")
        codes = {p.code for p in application_eligibility_problems(renewal, on=SWEEP)}
        assert "certificate_not_valid" in codes


def test_a_holder_whose_renewal_is_pending_still_holds_the_level(certificate, clerk, staff):
    """Another employer's initial application for the holder is refused: the registration is in force."""
    accepter, _approver = staff
    _renewal_accepted(certificate, clerk, accepter)
    QualificationCertificateFactory(person=certificate.person, level=certificate.level)
    other = EmployerFactory()
    with on(SWEEP):
        certificates_expire()
        candidate = Candidate(
            row=1,
            kind=ApplicationKind.INITIAL,
            level=certificate.level,
            employer=other,
            person_id=certificate.person_id,
        )
        codes = [p.code for p in eligibility_problems([candidate], on=SWEEP)]
    assert codes.count("holds_valid_certificate") == 1


def test_the_demo_shows_a_renewal_in_progress_across_an_expiry(client):
    from django.core.management import call_command
    from django.utils import timezone

    from registry.demo import DEMO_RENEWAL_HOLDER

    call_command("seed_demo", force=True)
    today = timezone.localdate()
    renewal = _renewal_of(DEMO_RENEWAL_HOLDER[0])
    certificate = renewal.target_certificate
    assert renewal.state == ApplicationState.ACCEPTED
    assert renewal.received_on <= certificate.valid_until < today
    assert certificates_expire() == 0
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID
    assert certificate_renewal_pending(certificate, today)
    assert application_eligibility_problems(renewal, on=today) == []
    client.force_login(UserFactory(role=Role.ENTERPRISE, employer=certificate.employer))
    holders = client.get(reverse("portal:holders")).content.decode()
    assert certificate.number in holders
    assert 'data-testid="renewal-pending"' in holders


def _renewal_of(name: str):
    from registry.models import Application

    return Application.objects.select_related("target_certificate").get(
        person__name=name, kind=ApplicationKind.RENEWAL
    )


def test_only_an_open_renewal_of_this_certificate_keeps_it(certificate, clerk, db):
    """An open change of specialty does not keep a certificate past its end, nor does another
    certificate's renewal; on its last day the sweep leaves every certificate alone."""
    with on(dt.date(2021, 6, 1)):
        other = RegistrationCertificateFactory()
    with on(RECEIVED):
        ApplicationFactory(
            submitted=True,
            kind=ApplicationKind.CHANGE_SPECIALTY,
            person=certificate.person,
            employer=certificate.employer,
            level=certificate.level,
            target_certificate=certificate,
        )
        ApplicationFactory(
            accepted=True,
            kind=ApplicationKind.RENEWAL,
            person=other.person,
            employer=other.employer,
            level=other.level,
            target_certificate=other,
        )
    with on(LAST_DAY):
        assert certificates_expire() == 0
    with on(SWEEP):
        assert certificates_expire() == 1
    certificate.refresh_from_db()
    other.refresh_from_db()
    assert (certificate.state, certificate.ended_on) == (CertificateState.EXPIRED, SWEEP)
    assert other.state == CertificateState.VALID


def test_on_its_last_printed_day_it_is_simply_valid_not_kept_by_the_renewal(
    certificate, clerk, staff, client
):
    accepter, _approver = staff
    _renewal_accepted(certificate, clerk, accepter)
    with on(LAST_DAY):
        assert not certificate_renewal_pending(certificate, LAST_DAY)
        assert "延续注册办理中" not in _verify_html(client, certificate)
    with on(SWEEP):
        assert certificate_renewal_pending(certificate, SWEEP)
        assert "延续注册办理中" in _verify_html(client, certificate)
