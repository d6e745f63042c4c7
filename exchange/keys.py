"""API keys: how they look, how they are hashed, how a presented key is found.

A key is `hlj_<id>_<secret>`: the id (12 hex characters) is public, shown in lists and logs, and finds the
row; the secret is 256 random bits (43 URL-safe characters) and is shown once, when issued. The database
holds only HMAC-SHA256(REGISTRY_API_KEY_PEPPER, key). A slow password hash (PBKDF2, Argon2) protects
guessable secrets against brute force; a 256-bit random secret cannot be guessed, so the slow hash would
only cost time on every request. The pepper, kept outside the database, means a stolen dump alone cannot
even confirm a key. docs/decisions/0104-exchange-api.md
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings

KEY_PREFIX = "hlj"
_KEY_RE = re.compile(r"^hlj_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


def api_key_new() -> tuple[str, str]:
    """A fresh (public id, full key)."""
    key_id = secrets.token_hex(6)
    return key_id, f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"


def api_key_hash(key: str) -> str:
    return hmac.new(settings.REGISTRY_API_KEY_PEPPER.encode(), key.encode(), hashlib.sha256).hexdigest()


def api_key_id(key: str) -> str | None:
    """The public id of a well-formed key, else None (junk is refused before any query)."""
    match = _KEY_RE.fullmatch(key or "")
    return match.group(1) if match else None


def api_key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(api_key_hash(key), stored_hash)
