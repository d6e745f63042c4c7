"""The review queue's count (common/paginators.py): exact up to REGISTRY_COUNT_ESTIMATE_ABOVE rows, the
planner's estimate above it on PostgreSQL ("约 N 条"), never a COUNT(*) over the whole table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from common.paginators import EstimatedCount, count_or_estimate
from registry.models import Application
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:registry_application_changelist")


def _analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_application")


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() or q["sql"].startswith("EXPLAIN")]


@pytest.mark.postgres
def test_below_the_threshold_the_count_is_exact_and_above_it_estimated(settings, client, association_user):
    settings.REGISTRY_COUNT_ESTIMATE_ABOVE = 5
    client.force_login(association_user)
    ApplicationFactory.create_batch(4, submitted=True)
    _analyze()
    client.get(QUEUE)  # warm up caches (content types, permissions, session)
    with CaptureQueriesContext(connection) as few:
        response = client.get(QUEUE)
    count = response.context["cl"].result_count
    assert count == 4
    assert not isinstance(count, EstimatedCount)
    assert 'data-testid="estimated-count"' not in response.content.decode()

    ApplicationFactory.create_batch(26, submitted=True)
    _analyze()
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)
    count = response.context["cl"].result_count
    assert isinstance(count, EstimatedCount)
    assert count == 30  # fresh statistics of a small table are exact
    assert 'data-testid="estimated-count"' in response.content.decode()
    # One query more (the EXPLAIN), and no count reads more than threshold + 1 rows.
    assert len(many) == len(few) + 1
    counts = _counts(many.captured_queries)
    assert any(sql.startswith("EXPLAIN (FORMAT JSON)") for sql in counts)
    assert all("LIMIT 6" in sql for sql in counts if not sql.startswith("EXPLAIN"))
    assert len(response.context["cl"].result_list) == 30


@pytest.mark.postgres
def test_an_estimate_is_never_below_the_threshold(settings):
    settings.REGISTRY_COUNT_ESTIMATE_ABOVE = 5
    ApplicationFactory.create_batch(8, submitted=True)
    with connection.cursor() as cursor:  # statistics that say the table is empty
        cursor.execute("UPDATE pg_class SET reltuples = 0 WHERE relname = 'registry_application'")
    count = count_or_estimate(Application.objects.all(), threshold=5)
    assert isinstance(count, EstimatedCount)
    assert count >= 6


@pytest.mark.postgres
def test_a_filtered_and_searched_queue_is_estimated_from_its_own_plan(settings, client, association_user):
    settings.REGISTRY_COUNT_ESTIMATE_ABOVE = 3
    client.force_login(association_user)
    ApplicationFactory.create_batch(12, submitted=True)
    ApplicationFactory.create_batch(2, accepted=True)
    _analyze()
    response = client.get(QUEUE, {"state__exact": "accepted"})
    assert response.context["cl"].result_count == 2  # few: exact
    response = client.get(QUEUE, {"state__exact": "submitted"})
    assert isinstance(response.context["cl"].result_count, EstimatedCount)
    for hostile in ("'; DROP TABLE registry_application; --", "%_\\", "王" * 300):
        response = client.get(QUEUE, {"q": hostile})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0
    assert Application.objects.count() == 14


@pytest.mark.postgres
def test_the_estimate_reads_about_n_in_chinese(settings, client, association_user):
    settings.REGISTRY_COUNT_ESTIMATE_ABOVE = 5
    client.force_login(association_user)
    ApplicationFactory.create_batch(12, submitted=True)
    _analyze()
    with translation.override("zh-hans"):
        body = client.get(QUEUE, headers={"accept-language": "zh-hans"}).content.decode()
    assert "约 12 条" in body
    assert "about 12" not in body


def test_other_databases_count_exactly(settings):
    settings.REGISTRY_COUNT_ESTIMATE_ABOVE = 2
    ApplicationFactory.create_batch(4, submitted=True)
    if connection.vendor == "postgresql":
        pytest.skip("this pins the fallback of SQLite")
    count = count_or_estimate(Application.objects.all(), threshold=2)
    assert count == 4
    assert not isinstance(count, EstimatedCount)


def test_the_estimated_count_groups_thousands():
    assert EstimatedCount(1234567).grouped == "1,234,567"
    assert EstimatedCount(1234567) == 1234567
