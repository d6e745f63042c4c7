"""Every stored file the database names, with its SHA-256: what a backup must carry and a restore must find.

The inventory walks every FileField (ImageField included) of every installed model through the base
manager (no row hidden by a custom default manager), so a new FileField is covered without touching this
module. scripts/backup.sh writes the inventory beside the archives; scripts/restore.sh checks the restored
database and storage against it (docs/operations.md, "Backups and restore").
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import models

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    """One reference from a row to a stored file. `sha256` is empty when the file is missing."""

    field: str  # app_label.Model.field
    pk: str
    name: str
    sha256: str
    size: int

    def line(self) -> str:
        return "\t".join((self.sha256 or "-", str(self.size), self.name, self.field, self.pk))


@dataclass
class Verification:
    """How the files the database names compare with an inventory taken at backup time."""

    named: int = 0
    equal: int = 0
    unlisted: list[StoredFile] = field(default_factory=list)  # present; named after the inventory was taken
    missing: list[StoredFile] = field(default_factory=list)
    different: list[StoredFile] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.different


def _file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                yield model, model_field


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def stored_files() -> Iterator[StoredFile]:
    """Every (row, FileField) that names a file, in a stable order, with the file's SHA-256 and size.

    A file the database names but storage lacks comes with an empty `sha256` and size 0.
    """
    for model, file_field in sorted(_file_fields(), key=lambda pair: (pair[0]._meta.label, pair[1].name)):
        label = f"{model._meta.label}.{file_field.name}"
        column = file_field.attname
        rows = (
            model._base_manager.exclude(**{column: ""})
            .exclude(**{f"{column}__isnull": True})
            .order_by("pk")
            .values_list("pk", column)
        )
        for pk, name in rows.iterator(chunk_size=2000):
            path = Path(file_field.storage.path(name))
            try:
                sha256, size = _sha256(path)
            except FileNotFoundError:
                sha256, size = "", 0
            yield StoredFile(field=label, pk=str(pk), name=name, sha256=sha256, size=size)


def inventory_read(lines: Iterable[str]) -> dict[str, str]:
    """Stored name → SHA-256 from an inventory written with StoredFile.line() (missing files left out)."""
    listed: dict[str, str] = {}
    for line in lines:
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 5:
            raise ValueError(f"not an inventory line: {line[:80]!r}")
        sha256, _size, name, _field, _pk = parts
        if sha256 != "-":
            listed[name] = sha256
    return listed


def stored_files_verify(listed: dict[str, str]) -> Verification:
    """Every file the database names exists and, when the inventory lists it, has the listed SHA-256."""
    result = Verification()
    for stored in stored_files():
        result.named += 1
        if not stored.sha256:
            result.missing.append(stored)
        elif stored.name not in listed:
            result.unlisted.append(stored)
        elif listed[stored.name] != stored.sha256:
            result.different.append(stored)
        else:
            result.equal += 1
    return result
