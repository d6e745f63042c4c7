"""Issue 11, item 5: who sees a full resident ID number and a phone number in the admin, and how.

The association may reveal one person's full number at a time, by pressing a button; every reveal is an
audit event and the page is never cached. The training centre and the bureau see masked numbers and no
phone numbers, in lists and on a person's page alike.
"""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from people.models import Person
from tests.factories import ApplicationFactory, PersonFactory, valid_resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return PersonFactory(name="赵敏", phone="13912345678")


def _reveal_url(person, **query):
    url = reverse("admin:people_person_reveal_id", args=[person.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_training_centre_sees_masked_numbers_and_no_phones(client, training_centre_user, person):
    """It adds and looks up people for its assessments; matching by number needs no display."""
    client.force_login(training_centre_user)

    listing = client.get(reverse("admin:people_person_changelist")).content.decode()
    page = client.get(reverse("admin:people_person_change", args=[person.pk])).content.decode()

    for html in (listing, page):
        assert person.masked_id_number in html
        assert person.id_number not in html
        assert person.phone not in html
    assert 'data-testid="reveal-id"' not in page


@pytest.mark.parametrize("user", ["training_centre_user", "bureau_user", "inspector_user"])
def test_roles_without_the_permission_cannot_reveal(client, request, person, user):
    client.force_login(request.getfixturevalue(user))

    # Staff without the permission are refused; the others do not reach the admin at all.
    assert client.get(_reveal_url(person)).status_code in (302, 403)
    response = client.post(_reveal_url(person))
    assert response.status_code in (302, 403)
    assert person.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.FULL_ID_VIEWED).exists()


def test_the_association_sees_the_full_number_only_by_pressing_the_button_and_it_is_recorded(
    client, association_user, person
):
    client.force_login(association_user)
    page = client.get(reverse("admin:people_person_change", args=[person.pk])).content.decode()
    asked = client.get(_reveal_url(person))

    assert person.id_number not in page
    assert person.phone in page  # the association contacts applicants
    assert 'data-testid="reveal-id"' in page
    assert person.id_number not in asked.content.decode()
    assert not AuditEvent.objects.exclude(action=Action.LOGIN).exists()

    shown = client.post(_reveal_url(person))

    assert f'data-testid="full-id">{person.id_number}<' in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    event = AuditEvent.objects.exclude(action=Action.LOGIN).get()
    assert (event.action, event.actor, event.target_type, event.target_id) == (
        Action.FULL_ID_VIEWED,
        association_user,
        "people.person",
        str(person.pk),
    )
    recorded = f"{event.target_label} {event.detail}"
    assert person.id_number not in recorded
    assert person.phone not in recorded


def test_the_review_page_offers_the_reveal_and_the_event_names_the_application(
    client, association_user, person
):
    client.force_login(association_user)
    application = ApplicationFactory(submitted=True, person=person)
    page = client.get(reverse("admin:registry_application_change", args=[application.pk])).content.decode()
    assert person.id_number not in page
    assert _reveal_url(person, application=application.pk) in page

    shown = client.post(_reveal_url(person, application=application.pk)).content.decode()

    assert reverse("admin:registry_application_change", args=[application.pk]) in shown
    assert AuditEvent.objects.exclude(action=Action.LOGIN).get().detail == {"application": application.number}


def test_another_persons_application_in_the_query_is_ignored(client, association_user, person):
    client.force_login(association_user)
    elsewhere = ApplicationFactory(submitted=True)

    client.post(_reveal_url(person, application=elsewhere.pk))
    client.post(_reveal_url(person, application="1;DROP"))

    assert [e.detail for e in AuditEvent.objects.exclude(action=Action.LOGIN).order_by("pk")] == [{}, {}]


def test_a_number_on_record_is_kept_when_the_field_is_left_empty_and_can_be_corrected(
    client, association_user, person
):
    client.force_login(association_user)
    url = reverse("admin:people_person_change", args=[person.pk])
    data = {
        "name": person.name,
        "id_number": "",
        "phone": person.phone,
        "email": "",
        "qualifications-TOTAL_FORMS": "0",
        "qualifications-INITIAL_FORMS": "0",
    }

    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.id_number  # kept
    kept = person.id_number

    corrected = valid_resident_id(serial=901)
    assert client.post(url, {**data, "id_number": corrected.lower()}).status_code == 302
    assert Person.objects.with_id_number(corrected).get() == person
    assert not Person.objects.with_id_number(kept).exists()


def test_a_second_person_with_the_same_number_is_refused_with_a_message(client, association_user, person):
    client.force_login(association_user)
    data = {
        "name": "冒名",
        "id_number": person.id_number,
        "email": "",
        "qualifications-TOTAL_FORMS": "0",
        "qualifications-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:people_person_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == ["系统中已有使用该居民身份证号的人员。"]
    assert Person.objects.count() == 1
