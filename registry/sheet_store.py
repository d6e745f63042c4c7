"""Keeping an uploaded spreadsheet between its preview and the clerk's confirmation.

The file is written to private storage under a random name, encrypted (it lists resident ID numbers;
pii/crypto.py); the page carries only a signed token that
names the file, the batch and the user, and expires. At confirmation the file is read and checked
again (the registry may have changed meanwhile), so the token never vouches for the content. A token
for another batch or user, a forged or expired one, finds nothing. `scope` tells apart what the number
names: a batch (the default) or another upload's target, such as a continuing-education activity
("training-activity"), so a token kept for one never opens the other.
"""

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core import signing

from pii import crypto

SALT = "registry.portal.sheet"
MAX_AGE_SECONDS = 2 * 60 * 60
_KEEP_SECONDS = 24 * 60 * 60


def _folder() -> Path:
    folder = Path(settings.PRIVATE_STORAGE_ROOT) / "sheet-uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _sweep(folder: Path) -> None:
    """Forget files nobody confirmed within a day."""
    limit = time.time() - _KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue


def sheet_keep(data: bytes, *, name: str, batch_id: int, user_id: int, scope: str = "batch") -> str:
    """Store the uploaded bytes; return the signed token the confirmation form sends back."""
    folder = _folder()
    _sweep(folder)
    key = secrets.token_hex(16)
    path = folder / key
    path.write_bytes(crypto.encrypt_bytes(data))
    path.chmod(0o600)
    value = {"k": key, "n": name[-100:], "b": batch_id, "u": user_id}
    if scope != "batch":
        value["s"] = scope
    return signing.dumps(value, salt=SALT)


def sheet_take(token: str, *, batch_id: int, user_id: int, scope: str = "batch") -> tuple[bytes, str] | None:
    """The bytes and name kept under `token` for this batch and user, or None (forged, expired, gone)."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if value.get("b") != batch_id or value.get("u") != user_id or value.get("s", "batch") != scope:
        return None
    key = str(value.get("k", ""))
    if not key.isalnum():
        return None
    path = _folder() / key
    try:
        return crypto.decrypt_bytes(path.read_bytes()), str(value.get("n", ""))
    except (OSError, crypto.DecryptionFailed):
        return None


def sheet_forget(token: str) -> None:
    try:
        key = str(signing.loads(token, salt=SALT).get("k", ""))
    except signing.BadSignature:
        return
    if key.isalnum():
        (_folder() / key).unlink(missing_ok=True)
