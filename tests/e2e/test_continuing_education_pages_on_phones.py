"""The pages of issue 15 that this slice adds fit a phone, a tablet and a desktop: the renewal's yearly
continuing-education table (portal) and the bureau's aggregates scroll inside their cards, never the page."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.roles import Role
from registry.workflow import ApplicationKind
from tests.e2e.conftest import login
from tests.factories import ApplicationFactory, RegistrationCertificateFactory, UserFactory
from training.models import Activity, ActivityKind, Participation, ParticipationState, Subject

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 768, 1366)


def _page_fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_renewal_table_and_the_bureau_page_fit_every_width(page):
    this_year = dt.date.today().year
    certificate = RegistrationCertificateFactory(
        issued_on=dt.date(this_year - 4, 3, 1),
        valid_from=dt.date(this_year - 4, 3, 1),
        valid_until=dt.date(this_year + 1, 2, 28),
    )
    ends = dt.date(this_year - 1, 5, 1)
    activity = Activity.objects.create(
        title="计量培训",
        kind=ActivityKind.COURSE,
        organiser="省计量协会",
        starts_on=ends,
        ends_on=ends,
        place="哈尔滨",
        hours=Decimal("60"),
        subject=Subject.PROFESSIONAL,
    )
    Participation.objects.create(
        activity=activity, person=certificate.person, hours=Decimal("60"), state=ParticipationState.CONFIRMED
    )
    renewal = ApplicationFactory(
        submitted=True,
        kind=ApplicationKind.RENEWAL,
        person=certificate.person,
        employer=certificate.employer,
        level=certificate.level,
        target_certificate=certificate,
    )
    UserFactory(username="ce-clerk", role=Role.ENTERPRISE, employer=certificate.employer)
    UserFactory(username="ce-bureau", role=Role.BUREAU)

    login(page, "ce-clerk")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/portal/applications/{renewal.pk}/")
        assert page.get_by_test_id("training-years").is_visible()
        assert str(this_year - 1) in page.get_by_test_id("training-advisories").inner_text()
        assert _page_fits(page), width
    page.context.clear_cookies()

    login(page, "ce-bureau")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/reports/continuing-education/")
        assert page.get_by_test_id("by-prefecture").is_visible()
        assert _page_fits(page), width
