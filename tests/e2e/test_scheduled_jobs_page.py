"""The scheduled jobs page on a phone, a tablet and a desktop: the table scrolls inside its box, the page
itself never widens, and a missed job's warning is visible (issue 21)."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from ops import schedules
from ops.models import JobRun
from tests.factories import UserFactory
from tests.otp import verified_session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 768, 1366])
def test_the_jobs_page_fits_every_width_and_shows_a_missed_job(page, live_server, width):
    from playwright.sync_api import expect

    yesterday = timezone.now() - dt.timedelta(days=1, hours=1)
    for entry in settings.CELERY_BEAT_SCHEDULE.values():  # everything ran once, more than a day ago
        due = schedules.previous_due(entry["schedule"], at_or_before=yesterday)
        JobRun.objects.create(task=entry["task"], started_at=due, finished_at=due, outcome="ok", count=2)
    cookie = verified_session_cookie(UserFactory(username=f"e2e-jobs-{width}", role=Role.ASSOCIATION))
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/scheduled-jobs/")
    expect(page.get_by_test_id("jobs-attention")).to_be_visible()
    expect(page.get_by_test_id("job-apply-deemed-acceptance")).to_have_attribute("data-status", "stale")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
