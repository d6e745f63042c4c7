"""The services behind the API and the review: whole or nothing, and exactly one winner in a race."""

import datetime as dt
from unittest import mock

import pytest
from django.db import DatabaseError

from accounts.roles import Role
from audit.models import Action, AuditEvent
from exams.models import RecognisedCertificate
from exchange import services
from exchange.models import InboundCertificate
from tests.concurrent import run_together
from tests.factories import MetrologyProjectFactory, PersonFactory, UserFactory, valid_resident_id
from tests.factories.exchange import InboundCertificateFactory, PartnerFactory


def _data(**changes) -> services.InboundData:
    values = {
        "reference": "ZJ-1",
        "kind": "verifier",
        "holder_name": "赵敏",
        "holder_id_number": valid_resident_id(birth=dt.date(1990, 1, 2), serial=7),
        "number": "ZJJD-0001",
        "issuing_authority": "浙江省市场监督管理局",
        "region": "zhejiang",
        "issued_on": dt.date(2020, 1, 1),
        "valid_until": None,
        "projects": ["12.501"],
    }
    values.update(changes)
    return services.InboundData(**values)


@pytest.mark.django_db
def test_a_database_error_after_the_certificate_is_created_rolls_the_acceptance_back(association_user):
    MetrologyProjectFactory(code="12.501")
    person = PersonFactory(name="李明")
    inbound = InboundCertificateFactory(holder_id_number=person.id_number, projects=["12.501"])
    with (
        mock.patch("exchange.services.audit_log", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        services.inbound_accept(inbound=inbound, by=association_user)
    inbound.refresh_from_db()
    assert inbound.state == InboundCertificate.State.PENDING
    assert not RecognisedCertificate.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.RECOGNITION_DECIDED).exists()


@pytest.mark.django_db
def test_the_content_digest_does_not_hold_the_resident_id(db):
    data = _data()
    assert data.holder_id_number not in data.digest()
    assert data.digest() == _data().digest()
    assert data.digest() != _data(valid_until=dt.date(2030, 1, 1)).digest()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_submission_racing_itself_is_stored_once():
    MetrologyProjectFactory(code="12.501")
    partner = PartnerFactory()
    for round_ in range(3):
        data = _data(reference=f"ZJ-race-{round_}")
        outcomes = run_together(*[lambda d=data: services.inbound_submit(partner=partner, data=d)] * 3)
        assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
        assert sorted(created for _row, created in outcomes) == [False, False, True]
        assert len({row.pk for row, _created in outcomes}) == 1
    assert InboundCertificate.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_at_once_create_one_recognised_certificate(association_user):
    second_reviewer = UserFactory(username="assoc2", role=Role.ASSOCIATION)
    MetrologyProjectFactory(code="12.501")
    person = PersonFactory(name="李明")
    inbound = InboundCertificateFactory(holder_id_number=person.id_number, projects=["12.501"])
    outcomes = run_together(
        lambda: services.inbound_accept(inbound=inbound, by=association_user),
        lambda: services.inbound_accept(inbound=inbound, by=second_reviewer),
    )
    assert len([o for o in outcomes if isinstance(o, RecognisedCertificate)]) == 1
    assert len([o for o in outcomes if isinstance(o, services.InboundNotAcceptable)]) == 1
    assert RecognisedCertificate.objects.count() == 1
    assert AuditEvent.objects.filter(action=Action.RECOGNITION_DECIDED).count() == 1
