"""Real concurrent connections on PostgreSQL: one transition wins, numbers have no gaps or duplicates."""

import pytest
from django.core.exceptions import ValidationError

from registry.models import Application, AuditEntry, RegistrationCertificate
from registry.services import applications as services
from tests.concurrent import run_together
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_staff_acting_at_once_exactly_one_wins(association_user, second_reviewer):
    for _round in range(5):
        application = ApplicationFactory(submitted=True)
        outcomes = run_together(
            lambda a=application: services.application_accept(application=a, by=association_user),
            lambda a=application: services.application_not_accept(
                application=a, by=second_reviewer, reason="不全"
            ),
        )
        wins = [o for o in outcomes if isinstance(o, Application)]
        losses = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(wins) == 1
        assert len(losses) == 1
        assert losses[0].code == "transition_not_allowed"
        application.refresh_from_db()
        assert application.state == wins[0].state
        assert AuditEntry.objects.filter(application=application).count() == 1


def test_concurrent_issuance_numbers_without_gaps_or_duplicates(association_user):
    applications = ApplicationFactory.create_batch(12, approved=True, level=1)
    outcomes = run_together(
        *[lambda a=a: services.application_issue(application=a, by=association_user) for a in applications]
    )
    assert all(isinstance(o, Application) for o in outcomes), outcomes
    sequences = sorted(RegistrationCertificate.objects.filter(level=1).values_list("sequence", flat=True))
    assert sequences == list(range(1, 13))
    assert RegistrationCertificate.objects.values("number").distinct().count() == 12
