"""Certificate ends: revocation by staff, expiry by the sweep, and the renewal window."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from registry.eligibility import renewal_window_open
from registry.models import AuditEntry
from registry.models.certificate import validity_end
from registry.services.certificates import certificate_revoke
from registry.workflow import CertificateState
from tests.factories import RegistrationCertificateFactory
from tests.registry.conftest import MONDAY, at

pytestmark = pytest.mark.django_db


def test_validity_is_five_years_less_a_day_also_from_29_february():
    assert validity_end(dt.date(2026, 3, 2)) == dt.date(2031, 3, 1)
    assert validity_end(dt.date(2028, 2, 29)) == dt.date(2033, 2, 28)


def test_revocation_needs_a_reason_and_is_audited(monday, association_user):
    certificate = RegistrationCertificateFactory()
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, by=association_user, reason=" ")
    certificate_revoke(certificate=certificate, by=association_user, reason="出租出借证书")
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.REVOKED
    assert certificate.end_reason == "出租出借证书"
    entry = AuditEntry.objects.get(certificate=certificate)
    assert (entry.transition, entry.by) == ("revoke", association_user)
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, by=association_user, reason="again")


def test_the_expiry_sweep_marks_only_certificates_past_their_last_day(monday):
    certificate = RegistrationCertificateFactory()
    monday.move_to(at(certificate.valid_until))
    call_command("expire_certificates")
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID
    monday.move_to(at(certificate.valid_until + dt.timedelta(days=1)))
    call_command("expire_certificates")
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.EXPIRED
    entry = AuditEntry.objects.get(certificate=certificate)
    assert entry.is_system


def test_renewal_window_is_the_30_working_days_before_expiry(monday):
    certificate = RegistrationCertificateFactory()
    certificate.valid_until = MONDAY + dt.timedelta(days=60)
    assert not renewal_window_open(certificate, MONDAY)
    certificate.valid_until = MONDAY + dt.timedelta(days=30)
    assert renewal_window_open(certificate, MONDAY)
    assert not renewal_window_open(certificate, certificate.valid_until + dt.timedelta(days=1))
