"""On PostgreSQL with real concurrent connections: a change feed never loses a record behind a reader's
cursor. Transaction A writes a change and stays open; B writes one meanwhile; a reader pages in between.
With auto-increment ids B (101) could commit before A (100) and a reader at 101 would never see 100;
here B waits for A's sequence lock, so the reader sees A's change, then B's, each exactly once."""

import threading

import pytest
from django.db import connection, connections, transaction

from registry.models import RegistrationCertificate
from registry.selectors import registration_changes_after
from registry.services import applications as services
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _someone_waits_for_a_lock() -> bool:
    """True once another connection of this database is blocked on a row lock (polled, not timed)."""
    with connections["default"].cursor() as cursor:
        for _ in range(500):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            threading.Event().wait(0.02)
    return False


def test_a_reader_between_two_concurrent_writers_loses_nothing_and_repeats_nothing(association_user):
    first, second = ApplicationFactory.create_batch(2, approved=True)
    a_wrote, a_may_commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer_a():
        try:
            with transaction.atomic():
                services.application_issue(application=first, by=association_user)
                a_wrote.set()
                a_may_commit.wait(30)
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            connection.close()

    def writer_b():
        try:
            services.application_issue(application=second, by=association_user)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    a = threading.Thread(target=writer_a)
    a.start()
    assert a_wrote.wait(30)
    b = threading.Thread(target=writer_b)
    b.start()
    try:
        assert _someone_waits_for_a_lock(), "B should queue behind A for the feed's sequence"
        # The reader pages while A is open and B waits: neither change is visible yet.
        assert registration_changes_after(after=0, limit=10) == []
    finally:
        a_may_commit.set()
        a.join()
        b.join()
    assert errors == []

    cursor, seen = 0, []
    while page := registration_changes_after(after=cursor, limit=1):
        seen += [(row["sequence"], row["number"]) for row in page]
        cursor = page[-1]["sequence"]
    numbers = {
        c.application_id: c.number
        for c in RegistrationCertificate.objects.filter(application__in=[first, second])
    }
    assert seen == [(1, numbers[first.pk]), (2, numbers[second.pk])]


def test_many_concurrent_issues_number_the_feed_without_gaps_in_commit_order(association_user):
    applications = ApplicationFactory.create_batch(8, approved=True, level=1)
    barrier = threading.Barrier(len(applications))
    errors: list[BaseException] = []

    def issue(application):
        try:
            barrier.wait()
            services.application_issue(application=application, by=association_user)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(a,)) for a in applications]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = registration_changes_after(after=0, limit=100)
    assert [row["sequence"] for row in rows] == list(range(1, 9))
    # Commit order: the feed's order and the certificate numbers' order agree (both drawn under locks,
    # the feed's first), so no later change ever got a smaller sequence.
    assert [row["number"] for row in rows] == sorted(row["number"] for row in rows)
