"""Fixtures shared by the inspector tests: a fixed day, two inspectors, a check of an employer holding a
valid certificate."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from tests.factories import CheckFactory, RegistrationCertificateFactory, UserFactory

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def today():
    """A fixed day, so that "the day of the check cannot be in the future" and due dates hold."""
    moment = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield TODAY


@pytest.fixture
def inspectors(db):
    return [UserFactory(role=Role.INSPECTOR), UserFactory(role=Role.INSPECTOR)]


@pytest.fixture
def certificate(db):
    """A valid certificate: its employer is the checked one."""
    return RegistrationCertificateFactory()


@pytest.fixture
def check(certificate, inspectors):
    return CheckFactory(employer=certificate.employer, inspectors=inspectors)
