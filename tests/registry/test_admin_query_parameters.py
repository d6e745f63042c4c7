"""Hostile query parameters on every admin change list give a normal page, never a 500 (issue 11 item 9).

`?state=%00` gave a 500 on PostgreSQL (a NUL in a text lookup), `?session=<30 digits>` and a huge
date-hierarchy year a 500 on SQLite (OverflowError). The parameters tried are the ones each list really
reads: its filters' own (from Django's ChangeList), the search box and the date hierarchy. Runs on the
database the suite runs on; CI runs it on both.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.test import RequestFactory
from django.urls import reverse

from config.admin_site import hostile_parameters
from tests.factories import ApplicationFactory, AssessmentResultFactory, UserFactory

pytestmark = pytest.mark.django_db

# Values the admin site drops before any view (config/admin_site.py) where they would fail in the database:
# a NUL anywhere, integers past 64 bits, years past 9999 in a date hierarchy.
DROPPED_VALUES = ["a\x00b", "9" * 30, "1,2," + "9" * 25, "99999"]
# Values that reach the filters, which must turn them into a lookup, an empty list or Django's `?e=1`.
FILTERED_VALUES = [
    "abc",
    "no-such-value",
    "-1",
    "9999999999",
    "²",
    "２０２６",
    "2026-13-45",
    "\u202e",
    "x" * 5000,
]
FILTERED_VALUES.append("9" * 5000)  # more digits than Python converts to an int


def changelists():
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), model_admin


def parameters_read_by(model_admin, superuser) -> set[str]:
    request = RequestFactory().get("/")
    request.user = superuser
    changelist = model_admin.get_changelist_instance(request)
    names = {"q"}
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if changelist.date_hierarchy:
        names.update(f"{changelist.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return names


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_every_change_list_answers_parameters_it_cannot_use_with_a_normal_page(client, superuser):
    """Through the whole site: every parameter a list reads at once, for each value the site drops; the
    answer is a redirect without them (or the page, where nothing was dropped), and the page it leads to
    is a normal one."""
    ApplicationFactory()
    AssessmentResultFactory()
    client.force_login(superuser)
    failures = []
    for url, model_admin in changelists():
        names = parameters_read_by(model_admin, superuser)
        landing = set()
        for value in DROPPED_VALUES:
            response = client.get(url, dict.fromkeys(names, value))
            if response.status_code == 302:
                landing.add(response["Location"])
            elif response.status_code != 200:  # "99999" is dropped only where there is a date hierarchy
                failures.append(f"{url} {value[:12]!r}: {response.status_code}")
        for location in landing:
            try:
                response = client.get(location, follow=True)
            except Exception as error:  # the test client re-raises what would be a 500
                failures.append(f"{location[:60]}: {type(error).__name__}: {str(error)[:80]}")
                continue
            if response.status_code != 200:
                failures.append(f"{location[:60]}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_list_filter_turns_a_bad_value_into_a_lookup_or_an_error_flag(superuser):
    """Each parameter alone (one bad filter must not hide another), through Django's ChangeList and the
    database: a value either filters, or raises IncorrectLookupParameters (Django shows `?e=1`). A value
    the site drops for that parameter (a year past 9999) never reaches a ChangeList (test above)."""
    ApplicationFactory()
    AssessmentResultFactory()
    factory = RequestFactory()
    failures = []
    tried = 0
    for url, model_admin in changelists():
        for name in sorted(parameters_read_by(model_admin, superuser)):
            for value in FILTERED_VALUES:
                tried += 1
                request = factory.get(url, {name: value})
                request.user = superuser
                if hostile_parameters(request.GET):
                    continue
                try:
                    changelist = model_admin.get_changelist_instance(request)
                    list(changelist.result_list)
                except IncorrectLookupParameters:
                    continue
                except Exception as error:
                    failures.append(f"{url}?{name}={value[:12]!r}: {type(error).__name__}: {str(error)[:80]}")
    assert tried > 500
    assert not failures, "\n".join(failures)


def test_a_hostile_parameter_is_dropped_and_the_others_kept(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:registry_application_changelist")

    response = client.get(url, {"state": "a\x00b", "level__exact": "2"})

    assert response.status_code == 302
    assert response["Location"] == f"{url}?level__exact=2"


@pytest.mark.parametrize(
    ("query", "hostile"),
    [
        ({"state": "submitted"}, set()),
        ({"q": "230102199001011234"}, set()),  # an ID number is 18 digits: well within 64 bits
        ({"q": "张三\t"}, {"q"}),
        ({"held_on__year": "2026"}, set()),
        ({"held_on__year": "99999"}, {"held_on__year"}),
        ({"session__id__exact": str(2**63)}, {"session__id__exact"}),
        ({"id__in": f"1,{2**63}"}, {"id__in"}),
        ({"\x00": "1"}, {"\x00"}),
    ],
)
def test_what_counts_as_hostile(query, hostile):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in query.items():
        data[key] = value
    assert hostile_parameters(data) == hostile
