"""Resident ID and phone numbers are ciphertext in the database; people are found by the blind index."""

import importlib
from types import SimpleNamespace

import pytest
from django.core.checks import run_checks
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from people.models import Person
from people.models.person import resident_id_digest
from pii import crypto
from tests.factories import PersonFactory, UserFactory, valid_resident_id

pytestmark = pytest.mark.django_db


def _stored(table: str, pk: int, *columns: str) -> tuple:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()


def test_the_database_holds_ciphertext_and_the_model_the_number():
    person = PersonFactory(phone="13912345678")
    user = UserFactory(username="phone-owner", phone="13800001111")

    id_number, phone, digest = _stored("registry_person", person.pk, "id_number", "phone", "id_digest")
    (user_phone,) = _stored("accounts_user", user.pk, "phone")

    for token in (id_number, phone, user_phone):
        assert token.startswith(crypto.TOKEN_PREFIX)
    assert person.id_number not in id_number
    assert digest == resident_id_digest(person.id_number)
    assert Person.objects.get(pk=person.pk).phone == "13912345678"
    assert User.objects.get(pk=user.pk).phone == "13800001111"


def test_an_empty_phone_stays_empty():
    person = PersonFactory(phone="")
    assert _stored("registry_person", person.pk, "phone") == ("",)
    assert Person.objects.get(pk=person.pk).phone == ""


def test_equal_numbers_encrypt_differently_but_index_alike():
    number = valid_resident_id(serial=314)
    assert crypto.encrypt(number) != crypto.encrypt(number)
    assert resident_id_digest(number) == resident_id_digest(f" {number.lower()} ")
    assert len(resident_id_digest(number)) == 43


@pytest.mark.parametrize("lookup", ["id_number", "id_number__in", "id_number__startswith", "phone__contains"])
def test_a_lookup_on_an_encrypted_column_fails_loudly_instead_of_finding_nothing(lookup):
    with pytest.raises(FieldError):
        list(Person.objects.filter(**{lookup: ["x"] if lookup.endswith("__in") else "x"}))


def test_the_number_is_found_by_its_index_only():
    person = PersonFactory()
    PersonFactory()
    assert list(Person.objects.with_id_number(person.id_number.lower())) == [person]
    assert list(Person.objects.with_id_numbers([person.id_number, valid_resident_id(serial=1)])) == [person]
    assert list(Person.objects.with_masked_id(person.id_number[:4], person.id_number[-4:])) == [person]


def test_two_people_with_one_number_are_refused_by_the_database():
    person = PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="冒名", id_number=person.id_number.lower())


def test_bulk_inserts_fill_the_index_too():
    numbers = [valid_resident_id(serial=n) for n in (501, 502)]
    Person.objects.bulk_create([Person(name=f"批量{n}", id_number=n) for n in numbers])
    assert Person.objects.with_id_numbers(numbers).count() == 2


def test_a_value_under_a_key_no_longer_configured_fails_loudly(settings):
    person = PersonFactory()
    settings.REGISTRY_FIELD_ENCRYPTION_KEYS = [crypto.Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionFailed):
        Person.objects.get(pk=person.pk)


def test_the_data_migration_encrypts_plain_rows_and_back(settings):
    """registry 0011 (and accounts 0005) on rows as they were before: plain numbers, no index."""
    person = PersonFactory(phone="13912345678")
    number = person.id_number
    with connection.cursor() as cursor:  # what a row looked like before the migration
        cursor.execute(
            "UPDATE registry_person SET id_number = %s, phone = %s, id_masked_digest = NULL WHERE id = %s",
            [number, "13912345678", person.pk],
        )
    migration = importlib.import_module("registry.migrations.0012_encrypt_existing_people")
    editor = SimpleNamespace(connection=connection)

    migration.encrypt(None, editor)
    migration.encrypt(None, editor)  # twice changes nothing

    stored_number, stored_phone = _stored("registry_person", person.pk, "id_number", "phone")
    assert stored_number.startswith(crypto.TOKEN_PREFIX)
    assert crypto.decrypt(stored_number) == number
    assert crypto.decrypt(stored_phone) == "13912345678"
    assert Person.objects.with_masked_id(number[:4], number[-4:]).get() == person

    migration.decrypt(None, editor)
    assert _stored("registry_person", person.pk, "id_number", "phone") == (number, "13912345678")


def test_bad_keys_are_a_system_check_error(settings):
    settings.REGISTRY_FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    settings.REGISTRY_BLIND_INDEX_KEY = "short"
    ids = {m.id for m in run_checks()}
    assert {"pii.E001"} <= ids


def test_production_refuses_the_published_development_keys(settings):
    assert "pii.E002" in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.REGISTRY_FIELD_ENCRYPTION_KEYS = [crypto.Fernet.generate_key().decode()]
    settings.REGISTRY_BLIND_INDEX_KEY = "a-real-blind-index-key-of-forty-characters"
    assert "pii.E002" not in {m.id for m in run_checks(include_deployment_checks=True)}
