"""Model fields for personal data at rest (pii/crypto.py holds the keys and the algorithms).

`EncryptedCharField` stores a CharField's value as a Fernet token in a text column. Python code sees the
plain value; the database, its dumps and its backups see only ciphertext. Encryption is randomised, so the
column cannot be searched: every lookup on it except `isnull` raises FieldError, so that a forgotten
`filter(id_number=...)` fails loudly instead of silently finding nothing. Look rows up through a
`BlindIndexField` instead.

`BlindIndexField` holds the keyed digest (pii.crypto.blind_index) of another field of the same row,
normalised by `transform`, computed whenever the row is inserted or saved (including bulk_create).
`QuerySet.update()` and `bulk_update()` bypass it: code that rewrites the source field in bulk must set the
digest too (as `rotate_field_keys` does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from . import crypto


class EncryptedCharField(models.CharField):
    """A CharField encrypted at rest. `max_length` bounds the plain value; the column is text."""

    description = "Encrypted text"

    def get_internal_type(self) -> str:
        return "TextField"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_lookup(self, lookup_name: str):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str):
        return None


class BlindIndexField(models.CharField):
    """The blind index of the field `source` of the same row: `blind_index(transform(value), purpose)`."""

    description = "Keyed digest of another field"
    DIGEST_LENGTH = 43

    def __init__(
        self,
        *args: Any,
        source: str = "",
        purpose: str = "",
        transform: Callable[[str], str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.source = source
        self.purpose = purpose
        self.transform = transform
        kwargs["max_length"] = self.DIGEST_LENGTH
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        if self.transform is not None:
            kwargs["transform"] = self.transform
        if kwargs.get("editable") is False:
            kwargs.pop("editable")
        return name, path, args, kwargs

    def digest(self, value: str | None) -> str | None:
        """The digest this field stores for a source value (None for an empty value)."""
        value = self.transform(value or "") if self.transform is not None else (value or "")
        return crypto.blind_index(value, purpose=self.purpose) if value else None

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.digest(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
