"""manage.py stored_files: the inventory of every file the database names, and its check after a restore."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.stored_files import inventory_read, stored_files, stored_files_verify
from tests.factories.supervision import EvidenceFactory

pytestmark = pytest.mark.django_db


def _evidence(content: bytes):
    return EvidenceFactory(file=ContentFile(content, name="evidence.pdf"))


def test_the_inventory_names_every_stored_file_with_its_own_sha256():
    first, second = _evidence(b"%PDF-1.4 first"), _evidence(b"%PDF-1.4 second")
    listed = {stored.name: stored for stored in stored_files()}
    for evidence, content in ((first, b"%PDF-1.4 first"), (second, b"%PDF-1.4 second")):
        stored = listed[evidence.file.name]
        assert stored.sha256 == hashlib.sha256(content).hexdigest()
        assert stored.size == len(content)
        assert stored.field == "supervision.Evidence.file"
        assert stored.pk == str(evidence.pk)


def test_the_inventory_costs_one_query_per_file_field_however_many_rows():
    _evidence(b"one")
    with CaptureQueriesContext(connection) as few:
        list(stored_files())
    for n in range(5):
        _evidence(f"more {n}".encode())
    with CaptureQueriesContext(connection) as many:
        list(stored_files())
    assert len(few) == len(many)


def test_verify_finds_missing_rewritten_and_later_files(tmp_path):
    kept, lost, rewritten = _evidence(b"kept"), _evidence(b"lost"), _evidence(b"rewritten")
    inventory = tmp_path / "stored-files.tsv"
    call_command("stored_files", "--output", str(inventory))
    listed = inventory_read(inventory.read_text().splitlines())
    assert stored_files_verify(listed).ok

    later = _evidence(b"uploaded after the inventory")
    Path(lost.file.path).unlink()
    Path(rewritten.file.path).write_bytes(b"regenerated in place")
    result = stored_files_verify(listed)

    assert not result.ok
    assert [s.name for s in result.missing] == [lost.file.name]
    assert [s.name for s in result.different] == [rewritten.file.name]
    assert [s.name for s in result.unlisted] == [later.file.name]
    assert result.equal >= 1
    assert kept.file.name in listed
    with pytest.raises(CommandError):
        call_command("stored_files", "--verify", str(inventory))


def test_the_command_refuses_to_overwrite_and_rejects_a_file_that_is_no_inventory(tmp_path):
    _evidence(b"x")
    existing = tmp_path / "old.tsv"
    existing.write_text("keep me")
    with pytest.raises(CommandError):
        call_command("stored_files", "--output", str(existing))
    assert existing.read_text() == "keep me"
    with pytest.raises(CommandError):
        call_command("stored_files", "--verify", str(existing))
    with pytest.raises(CommandError):
        call_command("stored_files", "--verify", str(tmp_path / "absent.tsv"))
