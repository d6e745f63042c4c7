"""bench.generate's COPY path (common.copy_insert) writes the rows its bulk_create path writes.

Fernet encryption is randomised, so the stored ciphertexts differ between any two writes: the comparison
is of what the ORM reads back (decrypted resident ID numbers, digests, every other column), with foreign
keys compared by the natural key of the row they lead to, since ids differ between two runs."""

import datetime as dt

import pytest
import time_machine
from django.db import connection, models

from audit.chain import chain_verify
from bench.generate import generate, remove_generated
from common.copy_insert import copy_insert, unsaved
from people.models import Employer, Person, QualificationCertificate
from registry.models import Application, AuditEntry, Batch, CertificateCounter, RegistrationCertificate

pytestmark = pytest.mark.django_db

NATURAL = {
    Person: "id_digest",
    Employer: "uscc",
    Batch: "title",
    QualificationCertificate: "number",
    RegistrationCertificate: "number",
    Application: "person__id_digest",
}
MODELS = [Employer, Person, QualificationCertificate, Batch, Application, RegistrationCertificate, AuditEntry]


def _columns(model, *, numbered: bool = True) -> list[str]:
    columns = []
    skipped = {"hash", "prev_hash", "verification_token"} | (set() if numbered else {"number", "sequence"})
    for field in model._meta.concrete_fields:
        # The chain's hashes cover the ids, and a verification token is random: checked below instead.
        if field.primary_key or field.name in skipped:
            continue
        if isinstance(field, models.ForeignKey):
            natural = NATURAL.get(field.related_model)
            columns.append(f"{field.name}__{natural}" if natural else f"{field.name}__username")
        else:
            columns.append(field.name)
    return columns


def _snapshot(*, numbered: bool = True) -> dict[str, list[tuple]]:
    """Every generated row by its natural keys; `numbered=False` leaves out certificate numbers (which
    certificate gets which number depends on the order parallel chunks finish in)."""
    rows = {
        model.__name__: sorted(
            model.objects.values_list(
                *_columns(model, numbered=numbered or model is not RegistrationCertificate)
            ),
            key=repr,
        )
        for model in MODELS
    }
    certificate = "number" if numbered else "application__person__id_digest"
    rows["projects"] = sorted(
        RegistrationCertificate.projects.through.objects.values_list(
            f"registrationcertificate__{certificate}", "metrologyproject__code"
        )
    )
    rows["id_numbers"] = sorted(Person.objects.values_list("id_number", "name"))  # decrypted
    return rows


@pytest.mark.postgres
def test_the_copy_path_writes_the_same_rows_as_the_orm_path():
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), tick=False):
        orm = generate(applications=90, seed=5, chunk=40, on=dt.date(2026, 11, 23), copy=False)
        by_orm = _snapshot()
        remove_generated()
        CertificateCounter.objects.all().delete()  # number the certificates from 1 again
        copied = generate(applications=90, seed=5, chunk=40, on=dt.date(2026, 11, 23), copy=True)
        by_copy = _snapshot()

    assert copied.by_state == orm.by_state
    assert copied.rows == orm.rows > 90 * 5
    for table, rows in by_orm.items():
        assert by_copy[table] == rows, table
    assert len(by_copy["id_numbers"]) == 90
    assert all(number.startswith("239900") for number, _ in by_copy["id_numbers"])
    # The stored ciphertext is a Fernet token, never the number; the chain holds over the copied rows.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_person LIMIT 1")
        assert cursor.fetchone()[0].startswith("gAAAAA")
    assert chain_verify(AuditEntry) == (copied.audit_entries, None)
    tokens = RegistrationCertificate.objects.values_list("verification_token", flat=True)
    assert len(set(tokens)) == copied.certificates
    assert all(len(token) >= 20 for token in tokens)
    remove_generated()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the worker processes read what the parent committed
def test_several_processes_write_the_rows_one_process_writes():
    """`jobs`: each chunk draws from its own generator, so two processes write the same rows as one; only
    which certificate gets which number follows the order the chunks finish in. The chain holds."""
    on = dt.date(2026, 11, 23)
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), tick=False):
        alone = generate(applications=100, seed=5, chunk=20, on=on, jobs=1)
        by_one = _snapshot(numbered=False)
        remove_generated()
        shared = generate(applications=100, seed=5, chunk=20, on=on, jobs=2)
        by_two = _snapshot(numbered=False)

    assert shared.by_state == alone.by_state
    assert shared.rows == alone.rows
    for table, rows in by_one.items():
        assert by_two[table] == rows, table
    assert chain_verify(AuditEntry) == (shared.audit_entries, None)  # the first run's rows were removed
    numbers = list(RegistrationCertificate.objects.values_list("year", "level", "sequence"))
    assert len(set(numbers)) == shared.certificates  # no number drawn twice
    for year, level, last in CertificateCounter.objects.values_list("year", "level", "last"):
        assert max((n for y, lv, n in numbers if (y, lv) == (year, level)), default=0) <= last
    remove_generated()


@pytest.mark.postgres
def test_copy_insert_allocates_ascending_ids_from_the_sequence_and_fills_defaults():
    employers = [Employer(name=f"复制写入测试{n}", uscc=f"91230000MA{n:07d}X"[:18]) for n in range(3)]
    before = Employer.objects.create(name="之前", uscc="91230000MA0000099X"[:18])
    copy_insert(Employer, employers)
    after = Employer.objects.create(name="之后", uscc="91230000MA0000098X"[:18])

    ids = [e.pk for e in employers]
    assert ids == sorted(ids)
    assert before.pk < ids[0]
    assert ids[-1] < after.pk
    stored = {e.pk: e for e in Employer.objects.filter(pk__in=ids)}
    assert [stored[i].name for i in ids] == [e.name for e in employers]
    assert all(stored[i].status == Employer._meta.get_field("status").default for i in ids)
    assert not any(e._state.adding for e in employers)


@pytest.mark.postgres
def test_each_value_is_checked_not_only_the_first_rows():
    """A column whose first value is written as is (None in a date column) may hold, further down, a value
    that must go through the field (a datetime in that date column): each row's value is checked."""
    employer = Employer.objects.create(name="逐行检查", uscc="91230000MA0000097X")
    person = Person.objects.create(id_number="230103199001011237", name="逐行")
    day = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)  # 21 November in China
    rows = [
        Batch(employer=employer, title="第一批"),
        Batch(employer=employer, title="第二批", submitted_at=day),
    ]
    copy_insert(Batch, rows)
    apps = [
        unsaved(Application, {"person": person, "employer_id": employer.pk, "level": 2, "received_on": None}),
        unsaved(Application, {"person": person, "employer_id": employer.pk, "level": 2, "received_on": day}),
    ]
    copy_insert(Application, apps)
    stored = Application.objects.filter(pk__in=[a.pk for a in apps]).order_by("pk")
    assert list(stored.values_list("received_on", flat=True)) == [None, dt.date(2026, 11, 21)]  # in China
    assert Batch.objects.get(pk=rows[1].pk).submitted_at == day


def test_unsaved_sets_what_the_constructor_sets():
    """`unsaved` (no Model.__init__) gives every column the value `Model(**values)` gives it, callable
    defaults called per row, a foreign key given by its saved instance taken as its id."""
    employer = Employer(pk=7, name="构造", uscc="91230000MA0000096X")
    values = {"employer": employer, "title": "第三批"}
    fast, slow = unsaved(Batch, values), Batch(**values)
    for field in Batch._meta.concrete_fields:
        assert getattr(fast, field.attname) == getattr(slow, field.attname), field.name
    assert fast._state.adding
    first, second = unsaved(Application, {}), unsaved(Application, {})
    assert first.correction_items == []
    assert first.correction_items is not second.correction_items
    with pytest.raises(ValueError, match="not saved"):
        unsaved(Batch, {"employer": Employer(name="未保存", uscc="x")})


def test_copy_insert_refuses_other_databases():
    if connection.vendor == "postgresql":
        pytest.skip("pins the refusal on SQLite")
    with pytest.raises(NotImplementedError):
        copy_insert(Employer, [Employer(name="x", uscc="x")])
