"""The demo's exchange partner (exchange/demo.py): its key, printed once, works against the API; its
submissions wait for review, one acceptable, one whose holder is not on record, one already rejected;
a second seed writes nothing and prints no key."""

import io
import re

import pytest
from django.core.management import call_command

from exchange.models import ApiKey, InboundCertificate, Partner
from exchange.selectors import inbound_person_on_record

from .conftest import bearer

pytestmark = pytest.mark.django_db

KEY = re.compile(r"hlj_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def test_the_demo_partners_key_is_printed_once_and_works(client):
    (secret,) = set(KEY.findall(_seed()))
    assert client.get("/api/v1/registrations/changes", {"limit": "1"}, **bearer(secret)).status_code == 200
    again = _seed()
    assert not KEY.search(again)
    assert (Partner.objects.count(), ApiKey.objects.count(), InboundCertificate.objects.count()) == (1, 1, 3)


def test_the_demo_submissions_show_each_review_case():
    _seed()
    acceptable, unknown, rejected = InboundCertificate.objects.order_by("reference")
    assert (acceptable.state, unknown.state, rejected.state) == ("pending", "pending", "rejected")
    person = inbound_person_on_record(acceptable)
    assert person is not None
    assert person.name == acceptable.holder_name
    assert inbound_person_on_record(unknown) is None
    assert rejected.reason
