"""Figure 10 still runs on a tiny feed, in constant queries, and its rows go with the generated data."""

import pytest

from bench.figures import sync_feed
from bench.generate import remove_generated
from registry.models import CertificateChange, CertificateChangeCounter, RegistrationCertificate

pytestmark = pytest.mark.django_db


def test_the_sync_figure_multiplies_the_seed_pages_it_and_leaves_nothing_behind(monkeypatch):
    monkeypatch.setattr(sync_feed, "SEED_APPLICATIONS", 40)
    monkeypatch.setattr(sync_feed, "LIMIT", 7)
    monkeypatch.setattr(sync_feed, "PAGES", 3)

    figure = sync_feed.run(applications=90)

    assert figure.details["changes_in_feed"] == 90
    assert CertificateChange.objects.count() == RegistrationCertificate.objects.count() == 90
    numbers = set(RegistrationCertificate.objects.values_list("number", flat=True))
    assert len(numbers) == 90  # every multiplied certificate has its own number
    assert figure.details["ours_queries_per_page_first"] == figure.details["ours_queries_per_page_deep"] == 2
    assert CertificateChangeCounter.objects.get().last == 90  # the services would go on from there
    assert figure.ours
    assert figure.baseline
    remove_generated()
    assert not CertificateChange.objects.exists()
    assert not RegistrationCertificate.objects.exists()
