"""The certificate's QR code proves itself offline: a compact payload signed with the association's key.

The QR code carries the verification URL with the signed payload in its fragment:

    SITE_URL/verify/TOKEN/#hl1.<payload, base64url>.<Ed25519 signature, base64url>

An ordinary phone scanner opens the online page (the fragment never reaches the server); anyone holding
the published public key can check the payload with no network (`manage.py verify_certificate_qr`,
scripts/verify_certificate_qr.py, the /verify/offline/ page).
docs/decisions/0103-signing-keys-and-algorithms.md.

The payload is UTF-8 text, fields separated by `|`:

    kid | number | masked holder name | level | valid from | valid until | issued on | document hash

dates as YYYYMMDD, the hash the first 128 bits of the certificate document's fingerprint (everything the
PDF prints except this fragment: a file cannot hold its own hash), base64url. The signature covers the
ASCII bytes `hl1.<payload, base64url>`, so the version prefix is signed too.

Keys: the current private key (REGISTRY_QR_SIGNING_KEY_FILE, PEM, with its kid REGISTRY_QR_SIGNING_KID)
and the published public keys (its own and the earlier ones in REGISTRY_QR_PUBLIC_KEY_DIR as `<kid>.pem`,
each optionally headed by `Valid-From: YYYY-MM-DD` / `Valid-Until: YYYY-MM-DD` lines). Outside production
the key is a development key generated once into var/dev-signing/ (git-ignored); registry.checks refuses
it for a deployment.
"""

import base64
import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

PREFIX = "hl1"
ALGORITHM = "Ed25519"
HASH_BYTES = 16
_SEPARATOR = "|"
_FRAGMENT_RE = re.compile(rf"{PREFIX}\.([A-Za-z0-9_-]{{1,600}})\.([A-Za-z0-9_-]{{86}})(?![A-Za-z0-9_-])")
_KID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_HEADER_RE = re.compile(r"^(Valid-From|Valid-Until):\s*(\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


class QrPayloadError(ValueError):
    """The scanned text is not a payload this registry signs, or its signature does not hold.

    `code` says which: `malformed`, `unknown_key` or `bad_signature` (for messages and exit codes).
    """

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


@dataclass(frozen=True)
class QrPayload:
    """What the QR code's signature vouches for."""

    kid: str
    number: str
    holder: str  # masked (registry.verification.mask_name)
    level: int
    valid_from: dt.date
    valid_until: dt.date
    issued_on: dt.date
    document_hash: str  # base64url of the first 128 bits of the document fingerprint

    def valid_on(self, day: dt.date) -> bool:
        """Whether `day` falls in the signed period of validity (revocation is only known online)."""
        return self.valid_from <= day <= self.valid_until


@dataclass(frozen=True)
class PublishedKey:
    """A public key anyone may use to check QR payloads, with the window in which it signs."""

    kid: str
    public_key: Ed25519PublicKey
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    @property
    def raw(self) -> str:
        """The 32-byte raw key, base64url (what WebCrypto's importKey('raw', ...) takes)."""
        raw = self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return b64encode(raw)

    @property
    def pem(self) -> str:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def as_json(self) -> dict[str, str | None]:
        return {
            "kid": self.kid,
            "alg": ALGORITHM,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "public_key": self.raw,
            "pem": self.pem,
        }


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y%m%d").date()


# --- signing ---------------------------------------------------------------------------------------------


def qr_payload_encode(payload: QrPayload) -> str:
    """The payload's text (the `|`-separated fields)."""
    fields = [
        payload.kid,
        payload.number,
        payload.holder,
        str(payload.level),
        payload.valid_from.strftime("%Y%m%d"),
        payload.valid_until.strftime("%Y%m%d"),
        payload.issued_on.strftime("%Y%m%d"),
        payload.document_hash,
    ]
    if any(_SEPARATOR in field for field in fields):
        raise ValueError("a QR payload field contains the separator")
    return _SEPARATOR.join(fields)


def document_hash(fingerprint: str) -> str:
    """The first 128 bits of a document fingerprint (SHA-256, hex), base64url: 22 characters."""
    return b64encode(bytes.fromhex(fingerprint)[:HASH_BYTES])


def qr_fragment_sign(payload: QrPayload, private_key: Ed25519PrivateKey) -> str:
    """`hl1.<payload>.<signature>`. Ed25519 is deterministic: the same payload gives the same fragment,
    so a regenerated PDF prints the same QR code."""
    body = b64encode(qr_payload_encode(payload).encode("utf-8"))
    signed = f"{PREFIX}.{body}"
    return f"{signed}.{b64encode(private_key.sign(signed.encode('ascii')))}"


# --- checking --------------------------------------------------------------------------------------------


def qr_payload_decode(body: str) -> QrPayload:
    """The fields of a payload's base64url text; QrPayloadError("malformed") if they are not ours."""
    try:
        fields = _b64decode(body).decode("utf-8").split(_SEPARATOR)
        kid, number, holder, level, valid_from, valid_until, issued_on, hash_ = fields
        payload = QrPayload(
            kid=kid,
            number=number,
            holder=holder,
            level=int(level),
            valid_from=_day(valid_from),
            valid_until=_day(valid_until),
            issued_on=_day(issued_on),
            document_hash=hash_,
        )
    except (ValueError, UnicodeDecodeError) as error:  # binascii.Error is a ValueError
        raise QrPayloadError("malformed", str(error)) from None
    if not _KID_RE.fullmatch(kid) or level not in ("1", "2"):
        raise QrPayloadError("malformed", "kid or level")
    return payload


def qr_text_check(text: str, keys: dict[str, PublishedKey]) -> QrPayload:
    """Check the scanned text (the whole URL, the fragment, or `hl1....` alone) against `keys`.

    Returns the signed payload; raises QrPayloadError with `malformed`, `unknown_key` (a kid not
    published: never issued, or withdrawn after a compromise) or `bad_signature` (altered or forged).
    """
    match = _FRAGMENT_RE.search((text or "").strip())
    if match is None:
        raise QrPayloadError("malformed", "no hl1 payload")
    body, signature = match.groups()
    payload = qr_payload_decode(body)
    key = keys.get(payload.kid)
    if key is None:
        raise QrPayloadError("unknown_key", payload.kid)
    try:
        key.public_key.verify(_b64decode(signature), f"{PREFIX}.{body}".encode("ascii"))
    except (InvalidSignature, ValueError):
        raise QrPayloadError("bad_signature") from None
    return payload


def qr_check_messages() -> dict[str, str]:
    """What a check says, by outcome, in the active language (the command, and the page's script)."""
    return {
        "valid": _("Signature valid: the association issued a certificate with these details."),
        "bad_signature": _(
            "Signature invalid: the text was altered or is not from a certificate of the association. "
            "Do not rely on it."
        ),
        "unknown_key": _(
            "The signature names a key the association has not published (or has withdrawn). "
            "Do not rely on it; check online."
        ),
        "malformed": _(
            "This is not the text of a certificate's QR code. Scan the QR code again and paste all of it."
        ),
        "unsupported": _(
            "This browser cannot check Ed25519 signatures. Use a current browser, or check online."
        ),
        "in_validity": _("By the signed period of validity, the certificate is within it today."),
        "outside_validity": _("By the signed period of validity, the certificate is not within it today."),
        "online": _(
            "The signature proves what was issued, not the current state: a certificate may since have "
            "been revoked, cancelled or replaced. Check the current state online."
        ),
        "level_1": pgettext("certificate", "Level 1"),
        "level_2": pgettext("certificate", "Level 2"),
    }


# --- keys ------------------------------------------------------------------------------------------------


def public_key_read(pem: bytes, *, kid: str) -> PublishedKey:
    """A published key from its PEM file's bytes (optional Valid-From/Valid-Until lines before the block)."""
    if not _KID_RE.fullmatch(kid):
        raise ImproperlyConfigured(f"QR key id {kid!r}: use 1–32 letters, digits, - or _")
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured(f"QR public key {kid}: not an Ed25519 key")
    headers = dict(_HEADER_RE.findall(pem.decode("utf-8", "replace").split("-----BEGIN", 1)[0]))
    return PublishedKey(
        kid=kid,
        public_key=key,
        valid_from=dt.date.fromisoformat(headers["Valid-From"]) if "Valid-From" in headers else None,
        valid_until=dt.date.fromisoformat(headers["Valid-Until"]) if "Valid-Until" in headers else None,
    )


def _development_key_write(path: Path) -> None:
    """Create the development key once; a concurrent process that loses the race reads the winner's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"DEVELOPMENT KEY - generated by the registry at run time, never for production.\n")
        handle.write(pem)


def is_development_key(path: Path) -> bool:
    return Path(path).resolve() == Path(settings.REGISTRY_DEVELOPMENT_QR_SIGNING_KEY_FILE).resolve()


@lru_cache(maxsize=4)
def _signing_key(path: Path, kid: str) -> tuple[str, Ed25519PrivateKey]:
    if is_development_key(path) and not path.exists():
        _development_key_write(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"REGISTRY_QR_SIGNING_KEY_FILE {path}: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"REGISTRY_QR_SIGNING_KEY_FILE {path}: not an Ed25519 private key")
    if not _KID_RE.fullmatch(kid):
        raise ImproperlyConfigured(f"REGISTRY_QR_SIGNING_KID {kid!r}: use 1–32 letters, digits, - or _")
    return kid, key


def signing_key() -> tuple[str, Ed25519PrivateKey]:
    """The current key id and private key (the development key is generated on first use)."""
    return _signing_key(Path(settings.REGISTRY_QR_SIGNING_KEY_FILE), settings.REGISTRY_QR_SIGNING_KID)


@lru_cache(maxsize=4)
def _published_keys(directory: str, kid: str, current_raw: bytes) -> dict[str, PublishedKey]:
    keys: dict[str, PublishedKey] = {}
    if directory:
        for file in sorted(Path(directory).glob("*.pem")):
            keys[file.stem] = public_key_read(file.read_bytes(), kid=file.stem)
    listed = keys.get(kid)
    if listed is not None and listed.raw != b64encode(current_raw):
        raise ImproperlyConfigured(f"the published QR key {kid} is not the current signing key's")
    if listed is None:
        keys[kid] = PublishedKey(kid=kid, public_key=Ed25519PublicKey.from_public_bytes(current_raw))
    return dict(sorted(keys.items()))


def published_keys() -> dict[str, PublishedKey]:
    """Every public key a QR payload may be checked with, by kid: the current key's and the earlier
    ones kept in REGISTRY_QR_PUBLIC_KEY_DIR (certificates signed before a rotation still verify)."""
    kid, key = signing_key()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _published_keys(str(settings.REGISTRY_QR_PUBLIC_KEY_DIR or ""), kid, raw)
