"""Encryption of personal data at rest and the keyed blind indexes that keep exact lookups possible.

- `encrypt` / `decrypt`: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under the keys in
  REGISTRY_FIELD_ENCRYPTION_KEYS. The first key encrypts; every key listed decrypts (MultiFernet), so a
  key is rotated by putting a new one first and running `manage.py rotate_field_keys`, which re-encrypts
  every value under it; the old key can then be removed.
- `blind_index`: HMAC-SHA256 of a normalised value under REGISTRY_BLIND_INDEX_KEY, with a purpose label so
  that two indexes of one value differ. Equal values give equal digests, so a unique, indexed column of
  digests finds a row by the exact value without the database ever holding the value. Without the key the
  digest tells nothing. Encoded base64url (43 characters): digits never run long enough to look like an
  identity number in a dump or a log.

Keys come only from configuration (README, "Secrets"); docs/decisions/0040-field-encryption.md says why.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

# Every Fernet token starts with the version byte 0x80, which base64 writes as "gAAAAA".
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - a format marker, not a secret
MIN_INDEX_KEY_LENGTH = 32


class DecryptionFailed(Exception):
    """A stored value cannot be decrypted with any configured key (a key was removed too early)."""


@lru_cache(maxsize=1)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured("REGISTRY_FIELD_ENCRYPTION_KEYS is empty")
    try:
        fernets = [Fernet(key.strip().encode()) for key in keys]
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "REGISTRY_FIELD_ENCRYPTION_KEYS: each key must be a Fernet key (32 bytes, url-safe base64; "
            'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
        ) from error
    return MultiFernet(fernets), fernets[0]


def _configured() -> tuple[MultiFernet, Fernet]:
    return _fernets(tuple(k for k in settings.REGISTRY_FIELD_ENCRYPTION_KEYS if k.strip()))


def _index_key() -> bytes:
    key = settings.REGISTRY_BLIND_INDEX_KEY or ""
    if len(key) < MIN_INDEX_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"REGISTRY_BLIND_INDEX_KEY must be at least {MIN_INDEX_KEY_LENGTH} characters long"
        )
    return key.encode()


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs) -> None:
    if setting == "REGISTRY_FIELD_ENCRYPTION_KEYS":
        _fernets.cache_clear()


def encrypt(value: str) -> str:
    """`value` encrypted under the first key; a new random IV each time, so equal values differ."""
    multi, _first = _configured()
    return multi.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    multi, _first = _configured()
    try:
        return multi.decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionFailed(
            "a stored value cannot be decrypted with the configured REGISTRY_FIELD_ENCRYPTION_KEYS"
        ) from error


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content encrypted under the first key (for files kept a while, e.g. an uploaded sheet)."""
    multi, _first = _configured()
    return multi.encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    multi, _first = _configured()
    try:
        return multi.decrypt(token)
    except InvalidToken as error:
        raise DecryptionFailed("a kept file cannot be decrypted with the configured keys") from error


def is_encrypted(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def encrypted_under_current_key(token: str) -> bool:
    """True when `token` decrypts with the first key alone (rotation has nothing to do for it)."""
    _multi, first = _configured()
    try:
        first.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The same plaintext, encrypted under the first key."""
    multi, _first = _configured()
    try:
        return multi.rotate(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionFailed("a stored value cannot be decrypted with the configured keys") from error


def blind_index(value: str, *, purpose: str) -> str:
    """The keyed digest of an already normalised `value` for one `purpose` (43 url-safe characters)."""
    message = purpose.encode() + b"\x00" + value.encode()
    digest = hmac.new(_index_key(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def check_configuration() -> list[str]:
    """What is wrong with the configured keys, as sentences (empty when both work)."""
    problems = []
    try:
        _configured()
    except ImproperlyConfigured as error:
        problems.append(str(error))
    try:
        _index_key()
    except ImproperlyConfigured as error:
        problems.append(str(error))
    return problems
