"""`manage.py rotate_field_keys`: a new encryption key first, the old one after it, then the command; a
new index key, then the command. Afterwards the old key can go and every lookup still works."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from people.models import Person
from pii import crypto
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

OLD = crypto.Fernet.generate_key().decode()
NEW = crypto.Fernet.generate_key().decode()


def _tokens(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> '' ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


def test_a_new_encryption_key_re_encrypts_everything_and_the_old_key_can_then_go(settings):
    settings.REGISTRY_FIELD_ENCRYPTION_KEYS = [OLD]
    people = PersonFactory.create_batch(3, phone="13912345678")
    UserFactory(username="with-phone", phone="13800001111")
    before = _tokens("registry_person", "id_number")

    settings.REGISTRY_FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    with pytest.raises(CommandError):
        _run("--check")
    report = _run()

    assert "people.person: 3 rows" in report
    assert "'id_number': 3" in report
    after = _tokens("registry_person", "id_number")
    assert all(a != b for a, b in zip(before, after, strict=True))
    assert "Everything is under the first key" in _run("--check")
    settings.REGISTRY_FIELD_ENCRYPTION_KEYS = [NEW]
    assert [p.id_number for p in Person.objects.order_by("pk")] == [p.id_number for p in people]
    assert {p.phone for p in Person.objects.all()} == {"13912345678"}
    assert crypto.decrypt(_tokens("accounts_user", "phone")[0]) == "13800001111"


def test_running_it_again_changes_nothing(settings):
    PersonFactory.create_batch(2)
    tokens = _tokens("registry_person", "id_number")
    _run()
    assert _tokens("registry_person", "id_number") == tokens


def test_a_new_index_key_is_applied_to_every_row_and_lookups_work_again(settings):
    person = PersonFactory()
    settings.REGISTRY_BLIND_INDEX_KEY = "a-new-blind-index-key-for-the-rotation-test"
    assert not Person.objects.with_id_number(person.id_number).exists()  # until the command has run

    report = _run()

    assert "'id_digest': 1" in report
    assert "'id_masked_digest': 1" in report
    assert Person.objects.with_id_number(person.id_number).get() == person
    assert Person.objects.with_masked_id(person.id_number[:4], person.id_number[-4:]).get() == person
