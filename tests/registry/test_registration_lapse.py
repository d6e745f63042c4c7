"""Lapse of a registration by law (注册失效), issue 14 item 7: on the holder's death, loss of civil capacity,
being declared missing, or leaving the employer without a move, recorded by association staff with
evidence, through the workflow, and visible on /verify/ as no longer valid with the reason category
(docs/decisions/0091-change-of-employer-and-lapse.md)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from registry import selectors
from registry.models import AuditEntry, NotificationLog, RegistrationCertificate
from registry.services.certificates import (
    certificate_lapse,
    certificate_report_departure,
    certificates_expire,
)
from registry.workflow import CertificateState, LapseReason
from tests.factories import EmployerFactory, RegistrationCertificateFactory, UserFactory
from tests.registry.conftest import MONDAY

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\nstartxref\n0\n%%EOF\n"
NOTE = "家属提交死亡证明，编号 2026-0042"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # /verify/ rate-limit counters and cached pages live in the cache
    yield
    cache.clear()


def _evidence(content: bytes = PDF, name: str = "死亡证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def certificate(monday):
    certificate = RegistrationCertificateFactory(application__person__name="王喆堃")
    certificate.valid_from = dt.date(2025, 6, 1)
    certificate.save()
    return certificate


def test_registration_lapse_is_recorded_with_reason_date_note_and_evidence(certificate, association_user):
    lapsed = certificate_lapse(
        certificate=certificate,
        by=association_user,
        reason=LapseReason.DEATH,
        lapsed_on=dt.date(2026, 2, 20),
        note=NOTE,
        evidence=_evidence(),
    )
    stored = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert stored.state == CertificateState.LAPSED == lapsed.state
    assert (stored.ended_on, stored.lapse_reason, stored.end_reason) == (
        dt.date(2026, 2, 20),
        LapseReason.DEATH,
        NOTE,
    )
    assert stored.lapse_evidence.read() == PDF
    entry = AuditEntry.objects.get(certificate=certificate)
    assert (entry.transition, entry.from_state, entry.to_state, entry.by) == (
        "lapse",
        "valid",
        "lapsed",
        association_user,
    )
    assert entry.detail == {"lapse_reason": "death", "lapsed_on": "2026-02-20"}
    # No longer valid anywhere: the employer's holder list, and the expiry sweep leaves it alone.
    assert not selectors.employer_valid_certificates(employer=certificate.employer, on=MONDAY).exists()
    assert certificates_expire(today=dt.date(2031, 1, 1)) == 0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"lapsed_on": MONDAY + dt.timedelta(days=1)}, "lapse_date"),  # not in the future
        ({"lapsed_on": dt.date(2025, 5, 31)}, "lapse_date"),  # not before the certificate's validity
        ({"reason": "bored"}, "lapse_reason"),
        ({"reason": ""}, "lapse_reason"),
        ({"evidence": None}, "evidence_required"),
        ({"evidence": _evidence(b"<html>not a pdf</html>")}, "file_type"),
    ],
)
def test_registration_lapse_refuses_bad_records_and_writes_nothing(
    certificate, association_user, changes, code
):
    arguments = {
        "reason": LapseReason.MISSING,
        "lapsed_on": MONDAY,
        "note": "",
        "evidence": _evidence(),
    } | changes
    with pytest.raises(ValidationError) as excinfo:
        certificate_lapse(certificate=certificate, by=association_user, **arguments)
    assert code in {e.code for e in excinfo.value.error_list}
    stored = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert (stored.state, stored.lapse_reason, stored.lapse_evidence.name) == (CertificateState.VALID, "", "")
    assert not AuditEntry.objects.filter(certificate=certificate).exists()


def test_registration_lapse_boundary_days_are_accepted(certificate, association_user):
    """The first valid day and today are both days a lapse may be dated."""
    other = RegistrationCertificateFactory()
    for target, day in ((certificate, dt.date(2025, 6, 1)), (other, MONDAY)):
        lapsed = certificate_lapse(
            certificate=target,
            by=association_user,
            reason=LapseReason.LEFT_EMPLOYER,
            lapsed_on=day,
            note="",
            evidence=_evidence(),
        )
        assert (lapsed.state, lapsed.ended_on) == (CertificateState.LAPSED, day)


def test_registration_lapse_of_an_ended_certificate_is_refused(certificate, association_user):
    certificate.supersede(on=MONDAY)
    certificate.save()
    with pytest.raises(ValidationError) as excinfo:
        certificate_lapse(
            certificate=certificate,
            by=association_user,
            reason=LapseReason.INCAPACITY,
            lapsed_on=MONDAY,
            note="",
            evidence=_evidence(),
        )
    assert [e.code for e in excinfo.value.error_list] == ["certificate_not_valid"]
    assert RegistrationCertificate.objects.get(pk=certificate.pk).state == CertificateState.SUPERSEDED


def test_registration_lapse_from_the_admin_button(client, certificate, association_user):
    client.force_login(association_user)
    change = reverse("admin:registry_registrationcertificate_change", args=[certificate.pk])
    url = reverse("admin:registry_registrationcertificate_lapse", args=[certificate.pk])
    assert url in client.get(change).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    # A file that is not what its name says is refused by the form, next to the field.
    refused = client.post(
        url,
        {"reason": "death", "lapsed_on": "2026-02-20", "note": NOTE, "evidence": _evidence(b"MZ\x90\x00")},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["evidence"]
    assert RegistrationCertificate.objects.get(pk=certificate.pk).state == CertificateState.VALID

    done = client.post(
        url,
        {"reason": "death", "lapsed_on": "2026-02-20", "note": NOTE, "evidence": _evidence()},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == change
    assert [m.level_tag for m in done.context["messages"]] == ["success"]
    stored = RegistrationCertificate.objects.get(pk=certificate.pk)
    assert (stored.state, stored.lapse_reason, stored.ended_on) == (
        CertificateState.LAPSED,
        LapseReason.DEATH,
        dt.date(2026, 2, 20),
    )
    assert AuditEntry.objects.get(certificate=stored).by == association_user
    assert url not in client.get(change).content.decode()  # no second lapse


def test_registration_lapse_is_on_verify_with_the_reason_not_the_note(client, certificate):
    certificate_lapse(
        certificate=certificate,
        by=UserFactory(),
        reason=LapseReason.DEATH,
        lapsed_on=dt.date(2026, 2, 20),
        note=NOTE,
        evidence=_evidence(),
    )
    with translation.override("zh-hans"):
        reason = str(LapseReason.DEATH.label)
    by_token = client.get(f"/verify/{certificate.verification_token}/").content.decode()
    by_number = client.post(
        reverse("verify:form"), {"number": certificate.number, "name": "王喆堃"}
    ).content.decode()
    for html in (by_token, by_number):
        assert "state-lapsed" in html
        assert 'data-testid="lapse-reason"' in html
        assert reason in html
        assert "2026-02-20" in html or "2026年2月20日" in html
        assert NOTE not in html
        assert "死亡证明.pdf" not in html
        assert "state-valid" not in html


def test_registration_lapse_the_employer_reports_the_departure_and_staff_confirm(
    client, certificate, association_user
):
    """Optional in the issue: the employer reports that the holder left; nothing ends until staff record
    the lapse. Another employer cannot report it."""
    clerk = UserFactory(username="clerk1", role=Role.ENTERPRISE, employer=certificate.employer)
    stranger = UserFactory(username="clerk2", role=Role.ENTERPRISE, employer=EmployerFactory())
    url = reverse("portal:holder_departure", args=[certificate.pk])

    client.force_login(stranger)
    assert client.post(url, {"left_on": "2026-02-27"}).status_code == 404
    client.force_login(clerk)
    page = client.get(reverse("portal:holder_detail", args=[certificate.pk])).content.decode()
    assert f'action="{url}"' in page
    client.post(url, {"left_on": "2026-03-03"})  # tomorrow: refused
    assert not AuditEntry.objects.filter(certificate=certificate).exists()
    response = client.post(url, {"left_on": "2026-02-27", "note": "已办理离职手续"})
    assert response.status_code == 302

    entry = AuditEntry.objects.get(certificate=certificate)
    assert (entry.transition, entry.by, entry.from_state, entry.to_state, entry.detail) == (
        "report_departure",
        clerk,
        "valid",
        "valid",
        {"left_on": "2026-02-27"},
    )
    told = NotificationLog.objects.get(key=f"certificate:{certificate.pk}:departure:{entry.pk}")
    assert association_user.email in told.recipient
    assert RegistrationCertificate.objects.get(pk=certificate.pk).state == CertificateState.VALID

    certificate_lapse(
        certificate=certificate,
        by=association_user,
        reason=LapseReason.LEFT_EMPLOYER,
        lapsed_on=dt.date(2026, 2, 27),
        note="单位报告离职",
        evidence=_evidence(),
    )
    assert RegistrationCertificate.objects.get(pk=certificate.pk).state == CertificateState.LAPSED
    with pytest.raises(ValidationError) as excinfo:  # no report on a certificate that ended
        certificate_report_departure(certificate=certificate, by=clerk, left_on=dt.date(2026, 2, 27))
    assert [e.code for e in excinfo.value.error_list] == ["not_your_holder"]
