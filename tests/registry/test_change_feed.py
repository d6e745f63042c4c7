"""The registrations' change feed: every certificate event appends one change, in the issuing
transaction, in commit order; the selector pages by keyset in constant queries; the backfill numbers the
certificates that existed before the feed."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from registry.models import CertificateChange, CertificateChangeCounter, RegistrationCertificate
from registry.selectors import registration_changes_after
from registry.services import applications as services
from registry.services.certificates import (
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
    certificates_expire,
)
from registry.workflow import ApplicationKind, CertificateState
from tests.factories import ApplicationFactory, MetrologyProjectFactory, RegistrationCertificateFactory

pytestmark = pytest.mark.django_db


def _issue(by, **kwargs) -> RegistrationCertificate:
    application = ApplicationFactory(approved=True, **kwargs)
    services.application_issue(application=application, by=by)
    return RegistrationCertificate.objects.get(application=application)


def _follow_up(certificate, kind, by, **kwargs) -> RegistrationCertificate | None:
    application = ApplicationFactory(
        approved=True,
        kind=kind,
        person=certificate.person,
        employer=certificate.employer,
        level=certificate.level,
        target_certificate=certificate,
        **kwargs,
    )
    services.application_issue(application=application, by=by)
    return RegistrationCertificate.objects.filter(application=application).first()


def _feed() -> list[tuple[int, str, str]]:
    return list(CertificateChange.objects.values_list("sequence", "certificate__number", "kind"))


def test_every_event_of_a_certificate_appends_one_change_in_order(monday, association_user):
    first = _issue(association_user, projects=[MetrologyProjectFactory()])
    changed = _follow_up(
        first, ApplicationKind.CHANGE_SPECIALTY, association_user, projects=[MetrologyProjectFactory()]
    )
    certificate_suspend(certificate=changed, by=association_user, reason="抽查发现挂靠")
    certificate_reinstate(certificate=changed, by=association_user, reason="已整改")
    certificate_revoke(certificate=changed, by=association_user, reason="出租出借证书")
    other = _issue(association_user)
    _follow_up(other, ApplicationKind.CANCELLATION, association_user)

    assert _feed() == [
        (1, first.number, "issued"),
        (2, first.number, "superseded"),
        (3, changed.number, "changed"),
        (4, changed.number, "suspended"),
        (5, changed.number, "reinstated"),
        (6, changed.number, "revoked"),
        (7, other.number, "issued"),
        (8, other.number, "cancelled"),
    ]
    assert CertificateChangeCounter.objects.get().last == 8


def test_renewal_and_expiry_are_changes_too(monday, association_user):
    old = _issue(association_user)
    renewed = _follow_up(old, ApplicationKind.RENEWAL, association_user)
    lone = _issue(association_user)
    monday.move_to(dt.datetime.combine(lone.valid_until + dt.timedelta(days=2), dt.time(10), dt.UTC))
    certificates_expire()
    kinds = [(number, kind) for _, number, kind in _feed()]
    assert kinds[:3] == [(old.number, "issued"), (renewed.number, "renewed"), (lone.number, "issued")]
    # The sweep: the renewal's start supersedes the old one; the lone one and the renewal itself expire.
    assert set(kinds[3:]) == {(old.number, "superseded"), (lone.number, "expired")}


def test_a_rolled_back_issue_leaves_no_change_and_gives_its_sequence_back(monday, association_user):
    application = ApplicationFactory(approved=True)

    def issue_then_fail():
        with transaction.atomic():
            services.application_issue(application=application, by=association_user)
            raise RuntimeError("the issuing transaction fails after the change was written")

    with pytest.raises(RuntimeError):
        issue_then_fail()
    assert not CertificateChange.objects.exists()
    certificate = _issue(association_user)
    assert _feed() == [(1, certificate.number, "issued")]


def test_a_refused_transition_appends_nothing(monday, association_user):
    certificate = _issue(association_user)
    certificate_revoke(certificate=certificate, by=association_user, reason="出租出借证书")
    with pytest.raises(ValidationError) as refused:
        certificate_revoke(certificate=certificate, by=association_user, reason="again")
    assert refused.value.code == "certificate_not_valid"
    assert [kind for *_, kind in _feed()] == ["issued", "revoked"]


def test_rows_carry_the_certificate_now_and_mask_the_resident_id(monday, association_user):
    projects = [MetrologyProjectFactory(code="12-002"), MetrologyProjectFactory(code="01-001")]
    certificate = _issue(association_user, projects=projects)
    certificate_revoke(certificate=certificate, by=association_user, reason="出租出借证书")
    issued, revoked = registration_changes_after(after=0, limit=10)
    assert (issued["sequence"], issued["kind"], revoked["sequence"], revoked["kind"]) == (
        1,
        "issued",
        2,
        "revoked",
    )
    assert issued["state"] == CertificateState.REVOKED  # the state now, not then
    assert issued["number"] == certificate.number
    assert issued["elicence_identifier"].startswith("1.2.156.3005.2.")
    assert issued["project_codes"] == ["01-001", "12-002"]
    assert issued["holder_name"] == certificate.person.name
    full = certificate.person.id_number
    assert full not in str(issued.values())
    assert issued["holder_id_number_masked"] == f"{full[:4]}{'*' * 10}{full[-4:]}"
    assert issued["employer_credit_code"] == certificate.employer.uscc
    assert registration_changes_after(after=1, limit=10) == [revoked]
    assert registration_changes_after(after=2, limit=10) == []


def test_a_page_costs_the_same_queries_for_3_rows_and_for_30(monday, association_user):
    for _ in range(30):
        _issue(association_user, projects=[MetrologyProjectFactory()])

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = registration_changes_after(after=0, limit=limit)
        assert len(rows) == limit
        return len(captured)

    assert queries(3) == queries(30) == 2
    with CaptureQueriesContext(connection) as captured:
        assert len(registration_changes_after(after=25, limit=100)) == 5
    assert "LIMIT 100" in captured[0]["sql"]
    assert "OFFSET" not in captured[0]["sql"]


def test_the_backfill_numbers_existing_certificates_issues_first_then_ends(monday, association_user):
    valid = RegistrationCertificateFactory()
    ended = RegistrationCertificateFactory(state=CertificateState.REVOKED, ended_on=dt.date(2026, 3, 2))
    suspended = RegistrationCertificateFactory(state=CertificateState.SUSPENDED)
    backfill = importlib.import_module("registry.migrations.0025_certificate_changes_backfill").backfill

    class Editor:
        connection = connection

    backfill(django_apps, Editor())
    assert _feed() == [
        (1, valid.number, "issued"),
        (2, ended.number, "issued"),
        (3, suspended.number, "issued"),
        (4, ended.number, "revoked"),
        (5, suspended.number, "suspended"),
    ]
    assert CertificateChange.objects.get(sequence=4).at == dt.datetime(2026, 3, 1, 16, tzinfo=dt.UTC)
    # The services go on from there.
    later = _issue(association_user)
    assert _feed()[-1] == (6, later.number, "issued")
