"""Shared set-up of the assistance-visit and feedback tests: clerks of two employers, a fixed day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from supervision import services
from supervision.models import VisitTopic
from tests.factories import EmployerFactory, UserFactory

TODAY = dt.date(2026, 11, 20)
MOMENT = dt.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def clerk_of(employer=None, **employer_traits):
    employer = employer or EmployerFactory(**employer_traits)
    return UserFactory(role=Role.ENTERPRISE, employer=employer)


def requested_visit(clerk, note="请专家指导计量器具管理。"):
    return services.visit_request(
        employer=clerk.employer, by=clerk, topics=[VisitTopic.INSTRUMENTS], note=note
    )


def planned_visit(clerk, staff, *, on=TODAY):
    return services.visit_plan(
        visit=requested_visit(clerk), by=staff, planned_on=on, experts="张明", topics=[VisitTopic.RULES]
    )


@pytest.fixture(name="today")
def fixed_day():
    """A fixed day (20 November 2026, 10:00 in Harbin); the clock does not tick unless shifted.
    Import it into a test module to use it."""
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller
