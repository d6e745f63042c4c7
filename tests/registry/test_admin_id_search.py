"""Issue 11, item 5: searching the admin by a full resident ID number never puts the number in a URL.

Every changelist that searches people posts its search box (with CSRF); the server redirects to a URL that
carries the number's blind index instead of the number. Names stay searchable as before, and hostile
values of the index parameter give an empty list, never an error page.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from people.id_search import ID_DIGEST_VAR
from people.models.person import resident_id_digest
from people.validators import uscc_check_character
from tests.factories import (
    ApplicationFactory,
    AssessmentCertificateFactory,
    AssessmentResultFactory,
    PersonFactory,
    QualificationCertificateFactory,
    RecognisedCertificateFactory,
    RegistrationCertificateFactory,
    valid_resident_id,
)
from tests.factories.exams import VerifierCertificateFactory

pytestmark = pytest.mark.django_db

# changelist → how to make a row of it that belongs to `person`
ROWS = {
    "people_person": lambda person: person,
    "people_qualificationcertificate": lambda person: QualificationCertificateFactory(person=person),
    "registry_application": lambda person: ApplicationFactory(submitted=True, person=person),
    "registry_registrationcertificate": lambda person: RegistrationCertificateFactory(
        application=ApplicationFactory(issued=True, person=person)
    ),
    "exams_assessmentresult": lambda person: AssessmentResultFactory(person=person),
    "exams_assessmentcertificate": lambda person: AssessmentCertificateFactory(person=person),
    "exams_recognisedcertificate": lambda person: RecognisedCertificateFactory(person=person),
    "exams_verifiercertificate": lambda person: VerifierCertificateFactory(person=person),
}


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.cn", "x")
    client.force_login(user)
    return client


def _found(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("changelist", ROWS)
def test_a_full_number_posted_to_the_search_lands_on_a_url_without_it(staff, changelist):
    person = PersonFactory()
    mine, other = ROWS[changelist](person), ROWS[changelist](PersonFactory())
    url = reverse(f"admin:{changelist}_changelist")

    page = staff.get(url).content.decode()
    assert 'id="changelist-search" method="post"' in page

    landed = staff.post(
        reverse(f"admin:{changelist}_search"), {"q": f" {person.id_number.lower()} ", "o": "1"}
    )

    location = landed["Location"]
    assert landed.status_code == 302
    assert person.id_number not in location.upper()
    assert parse_qs(urlsplit(location).query) == {
        ID_DIGEST_VAR: [resident_id_digest(person.id_number)],
        "o": ["1"],
    }
    found = staff.get(location)
    assert found.status_code == 200
    assert mine.pk in _found(found)
    assert other.pk not in _found(found)
    assert person.id_number not in found.content.decode()


def test_a_name_search_still_goes_by_get_and_a_masked_number_finds_its_person(staff):
    person = PersonFactory(name="欧阳娜娜")
    PersonFactory(name="别人")
    url = reverse("admin:people_person_changelist")

    landed = staff.post(reverse("admin:people_person_search"), {"q": "欧阳"})
    by_masked = staff.get(url, {"q": person.masked_id_number})

    assert parse_qs(urlsplit(landed["Location"]).query) == {"q": ["欧阳"]}
    assert _found(staff.get(landed["Location"])) == {person.pk}
    assert _found(by_masked) == {person.pk}


def test_a_number_typed_into_the_address_bar_is_moved_out_of_it(staff):
    person = PersonFactory(name="林一")
    response = staff.get(reverse("admin:people_person_changelist"), {"q": f"{person.id_number} 林"})

    query = parse_qs(urlsplit(response["Location"]).query)
    assert query == {ID_DIGEST_VAR: [resident_id_digest(person.id_number)], "q": ["林"]}


def test_a_mistyped_number_is_kept_out_of_the_url_too_and_finds_nothing(staff):
    person = PersonFactory()
    # Mistyped in its last two digits, into a number that is neither a resident ID nor, by the chance of
    # its check character (1 in 31), a credit code, which the search keeps in the URL as public.
    wrong = next(
        candidate
        for tail in ("00", "11", "22", "33")
        if (candidate := person.id_number[:16] + tail) != person.id_number
        and uscc_check_character(candidate[:17]) != candidate[17]
    )

    landed = staff.post(reverse("admin:people_person_search"), {"q": wrong})

    assert wrong not in landed["Location"]
    assert _found(staff.get(landed["Location"])) == set()


def test_an_employers_credit_code_is_public_and_stays_in_the_url(staff):
    application = ApplicationFactory(submitted=True)
    code = application.employer.uscc

    landed = staff.post(reverse("admin:registry_application_search"), {"q": code})

    assert parse_qs(urlsplit(landed["Location"]).query) == {"q": [code]}
    assert application.pk in _found(staff.get(landed["Location"]))


@pytest.mark.parametrize("value", ["\x00", "x" * 5000, "'; DROP TABLE registry_person; --", "A" * 43])
def test_hostile_index_values_give_an_empty_list(staff, value):
    PersonFactory()
    response = staff.get(reverse("admin:people_person_changelist"), {ID_DIGEST_VAR: value}, follow=True)
    assert response.status_code == 200
    if "\x00" in value:  # dropped by the admin site before the list (config/admin_site.py), and said so
        assert "无效字符" in response.content.decode()
    else:
        assert _found(response) == set()


def test_the_search_refuses_get_and_a_missing_csrf_token(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.cn", "x")
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    url = reverse("admin:people_person_search")

    assert strict.get(url).status_code == 405
    assert strict.post(url, {"q": "张"}).status_code == 403


def test_the_search_needs_the_view_permission(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(reverse("admin:people_person_search"), {"q": "张"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_person_autocomplete_finds_by_a_full_number(staff):
    """Select boxes search over GET (Django's widget); the lookup still goes through the blind index."""
    person = PersonFactory()
    PersonFactory()
    response = staff.get(
        reverse("admin:autocomplete"),
        {
            "term": person.id_number,
            "app_label": "registry",
            "model_name": "application",
            "field_name": "person",
        },
    )
    assert [r["id"] for r in response.json()["results"]] == [str(person.pk)]
    assert person.id_number not in response.content.decode()


def test_a_number_valid_as_both_id_and_credit_code_is_an_id_and_no_query_carries_it(
    django_assert_num_queries,
):
    """Telling them apart must not ask the database: the number would travel to it in clear."""
    from people.id_search import split_search_term
    from people.validators import uscc_check_character

    both = next(
        n
        for n in (valid_resident_id(serial=s) for s in range(1000))
        if n[17] != "X" and uscc_check_character(n[:17]) == n[17]
    )
    with django_assert_num_queries(0):
        assert split_search_term(f"{both} 张") == (both, "张")
