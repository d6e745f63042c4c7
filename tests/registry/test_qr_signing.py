"""The QR code's signed payload (registry/qr_signing.py): what it vouches for, and what it refuses."""

import base64
import dataclasses
import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from registry import qr_signing
from registry.checks import check_qr_signing_key
from registry.pdf import render_certificate_pdf
from registry.pdf.certificate import QR_BORDER_MODULES, QR_SIZE
from registry.qr_signing import (
    QrPayload,
    QrPayloadError,
    public_key_read,
    published_keys,
    qr_fragment_sign,
    qr_text_check,
)
from registry.services.certificate_pdfs import certificate_document, certificate_document_fingerprint
from tests.factories import RegistrationCertificateFactory
from tests.printed_qr import printed_qr_mismatches

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = QrPayload(
    kid="2026a",
    number="HLJ-ZC1-2026-00012",
    holder="王*堃",
    level=1,
    valid_from=dt.date(2026, 1, 5),
    valid_until=dt.date(2031, 1, 4),
    issued_on=dt.date(2026, 1, 5),
    document_hash=qr_signing.document_hash("ab" * 32),
)


def _key_files(directory: Path, kid: str, *, headers: str = "") -> tuple[Ed25519PrivateKey, Path, Path]:
    """A private key file and its public `<kid>.pem` (in directory/public/)."""
    key = Ed25519PrivateKey.generate()
    private = directory / f"{kid}-private.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public_dir = directory / "public"
    public_dir.mkdir(exist_ok=True)
    public = public_dir / f"{kid}.pem"
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public.write_bytes(headers.encode() + pem)
    return key, private, public


def _keys_of(public: Path) -> dict:
    return {public.stem: public_key_read(public.read_bytes(), kid=public.stem)}


def _tamper_payload(fragment: str, **changes) -> str:
    """The fragment with a field changed and the old signature kept (what a forger can do)."""
    prefix, _body, signature = fragment.split(".")
    body = qr_signing.b64encode(
        qr_signing.qr_payload_encode(dataclasses.replace(PAYLOAD, **changes)).encode()
    )
    return f"{prefix}.{body}.{signature}"


def test_a_signed_payload_round_trips_from_the_whole_scanned_url(tmp_path):
    key, _private, public = _key_files(tmp_path, "2026a")
    fragment = qr_fragment_sign(PAYLOAD, key)
    scanned = f"https://registry.example.cn/verify/Zx81Q0wq_AbCdEfGhIjKlMn0/#{fragment}"
    assert qr_text_check(scanned, _keys_of(public)) == PAYLOAD
    assert qr_text_check(f"  {fragment}\n", _keys_of(public)) == PAYLOAD  # the fragment alone, pasted
    assert qr_fragment_sign(PAYLOAD, key) == fragment  # deterministic: a regenerated PDF prints the same


@pytest.mark.parametrize(
    "changes",
    [
        {"number": "HLJ-ZC1-2026-00013"},
        {"holder": "李*"},
        {"level": 2},
        {"valid_until": dt.date(2036, 1, 4)},
        {"issued_on": dt.date(2026, 1, 6)},
        {"document_hash": qr_signing.document_hash("cd" * 32)},
    ],
)
def test_a_changed_field_breaks_the_signature(tmp_path, changes):
    key, _private, public = _key_files(tmp_path, "2026a")
    tampered = _tamper_payload(qr_fragment_sign(PAYLOAD, key), **changes)
    with pytest.raises(QrPayloadError) as raised:
        qr_text_check(tampered, _keys_of(public))
    assert raised.value.code == "bad_signature"


def test_a_changed_signature_or_another_key_is_refused(tmp_path):
    key, _private, public = _key_files(tmp_path, "2026a")
    prefix, body, signature = qr_fragment_sign(PAYLOAD, key).split(".")
    flipped = bytearray(base64.urlsafe_b64decode(signature + "=="))
    flipped[10] ^= 1
    forged = f"{prefix}.{body}.{qr_signing.b64encode(bytes(flipped))}"
    other = qr_fragment_sign(PAYLOAD, Ed25519PrivateKey.generate())  # right kid, wrong key
    for text in (forged, other):
        with pytest.raises(QrPayloadError) as raised:
            qr_text_check(text, _keys_of(public))
        assert raised.value.code == "bad_signature"


def test_an_unknown_kid_is_named_as_such(tmp_path):
    key, _private, public = _key_files(tmp_path, "2026a")
    fragment = qr_fragment_sign(dataclasses.replace(PAYLOAD, kid="2099z"), key)
    with pytest.raises(QrPayloadError) as raised:
        qr_text_check(fragment, _keys_of(public))
    assert raised.value.code == "unknown_key"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://registry.example.cn/verify/Zx81Q0wq_AbCdEfGhIjKlMn0/",
        "hl1..",
        "hl1." + qr_signing.b64encode(b"\xff\xfe") + "." + "A" * 86,  # not UTF-8
        "hl1." + qr_signing.b64encode(b"2026a|x|y") + "." + "A" * 86,  # too few fields
        "hl1." + qr_signing.b64encode(b"2026a|x|y|3|20260105|20310104|20260105|h") + "." + "A" * 86,
        "hl1." + qr_signing.b64encode(b"2026a|x|y|1|20261305|20310104|20260105|h") + "." + "A" * 86,
        "hl1." + qr_signing.b64encode(b"../etc|x|y|1|20260105|20310104|20260105|h") + "." + "A" * 86,
        "hl1." + "A" * 5000 + "." + "A" * 86,  # oversized
        "<script>alert(1)</script>",
    ],
)
def test_junk_is_malformed_not_an_exception(text, tmp_path):
    _key, _private, public = _key_files(tmp_path, "2026a")
    with pytest.raises(QrPayloadError) as raised:
        qr_text_check(text, _keys_of(public))
    assert raised.value.code == "malformed"


def test_a_field_with_the_separator_is_refused_at_signing():
    with pytest.raises(ValueError, match="separator"):
        qr_fragment_sign(dataclasses.replace(PAYLOAD, holder="王|堃"), Ed25519PrivateKey.generate())


def test_after_rotation_the_old_kid_still_verifies_and_the_new_one_signs(tmp_path, settings):
    old, _old_private, _old_public = _key_files(
        tmp_path, "2026a", headers="Valid-From: 2026-01-01\nValid-Until: 2026-12-31\n"
    )
    _new, new_private, _new_public = _key_files(tmp_path, "2027a", headers="Valid-From: 2027-01-01\n")
    settings.REGISTRY_QR_SIGNING_KEY_FILE = new_private
    settings.REGISTRY_QR_SIGNING_KID = "2027a"
    settings.REGISTRY_QR_PUBLIC_KEY_DIR = str(tmp_path / "public")

    keys = published_keys()
    assert list(keys) == ["2026a", "2027a"]
    assert (keys["2026a"].valid_from, keys["2026a"].valid_until) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert qr_text_check(qr_fragment_sign(PAYLOAD, old), keys) == PAYLOAD  # signed before the rotation
    kid, current = qr_signing.signing_key()
    assert kid == "2027a"
    assert (
        qr_text_check(qr_fragment_sign(dataclasses.replace(PAYLOAD, kid=kid), current), keys).kid == "2027a"
    )


def test_a_published_file_that_is_not_the_current_key_is_a_configuration_error(tmp_path, settings):
    _key, private, public = _key_files(tmp_path, "2027a")
    stranger = Ed25519PrivateKey.generate().public_key()
    public.write_bytes(
        stranger.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    settings.REGISTRY_QR_SIGNING_KEY_FILE = private
    settings.REGISTRY_QR_SIGNING_KID = "2027a"
    settings.REGISTRY_QR_PUBLIC_KEY_DIR = str(tmp_path / "public")
    with pytest.raises(ImproperlyConfigured):
        published_keys()
    assert [m.id for m in check_qr_signing_key()] == ["registry.E104"]


def test_the_development_key_is_generated_once_reused_and_refused_for_deployment(tmp_path, settings):
    dev = tmp_path / "dev-signing" / "qr-ed25519-dev.pem"
    settings.REGISTRY_DEVELOPMENT_QR_SIGNING_KEY_FILE = dev
    settings.REGISTRY_QR_SIGNING_KEY_FILE = dev
    settings.REGISTRY_QR_SIGNING_KID = "dev"
    _kid, first = qr_signing.signing_key()
    assert dev.read_bytes().startswith(b"DEVELOPMENT KEY")
    qr_signing._signing_key.cache_clear()
    _kid, again = qr_signing.signing_key()
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    assert first.public_key().public_bytes(*raw) == again.public_key().public_bytes(*raw)
    assert [m.id for m in check_qr_signing_key()] == ["registry.E103"]


def test_a_real_key_passes_the_deploy_check(tmp_path, settings):
    _key, private, _public = _key_files(tmp_path, "2027a")
    settings.REGISTRY_QR_SIGNING_KEY_FILE = private
    settings.REGISTRY_QR_SIGNING_KID = "2027a"
    assert check_qr_signing_key() == []


def test_a_key_file_of_another_algorithm_is_refused(tmp_path, settings):
    from cryptography.hazmat.primitives.asymmetric import ec

    ecdsa = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "p256.pem"
    path.write_bytes(
        ecdsa.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.REGISTRY_QR_SIGNING_KEY_FILE = path
    settings.REGISTRY_QR_SIGNING_KID = "p256"
    with pytest.raises(ImproperlyConfigured):
        qr_signing.signing_key()


# --- on the certificate ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_printed_qr_decodes_to_the_url_whose_fragment_verifies(tmp_path, settings):
    settings.SITE_URL = "https://registry.example.cn"
    certificate = RegistrationCertificateFactory(application__person__name="王喆堃")
    doc = certificate_document(certificate)
    url, _hash, _fragment = doc.verification_url.partition("#")
    assert url == f"https://registry.example.cn/verify/{certificate.verification_token}/"

    count, mismatches = printed_qr_mismatches(render_certificate_pdf(doc), tmp_path, doc.verification_url)
    assert mismatches == 0
    # Scannable at its printed size: QR version 14 at most, modules of at least 0.45 mm.
    assert count <= 73
    assert QR_SIZE / (count + 2 * QR_BORDER_MODULES) / (72 / 25.4) >= 0.45

    payload = qr_text_check(doc.verification_url, published_keys())
    assert (payload.number, payload.holder, payload.level) == (certificate.number, "王*堃", certificate.level)
    assert (payload.valid_from, payload.valid_until, payload.issued_on) == (
        certificate.valid_from,
        certificate.valid_until,
        certificate.issued_on,
    )
    # The signed hash is the fingerprint of everything printed except the fragment itself.
    unsigned = dataclasses.replace(doc, verification_url=url)
    assert payload.document_hash == qr_signing.document_hash(certificate_document_fingerprint(unsigned))
    other = dataclasses.replace(unsigned, employer_name="另一家公司")
    assert payload.document_hash != qr_signing.document_hash(certificate_document_fingerprint(other))


# --- the standalone script -------------------------------------------------------------------------------


def _script():
    spec = importlib.util.spec_from_file_location(
        "verify_script", ROOT / "scripts" / "verify_certificate_qr.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_standalone_script_needs_only_the_public_pem(tmp_path, capsys):
    key, _private, public = _key_files(tmp_path, "2026a", headers="Valid-From: 2026-01-01\n")
    fragment = qr_fragment_sign(PAYLOAD, key)
    script = _script()

    assert script.main(["--public-key", str(public), f"https://x.cn/verify/T/#{fragment}"]) == 0
    out = capsys.readouterr().out
    assert "签名有效" in out
    assert "HLJ-ZC1-2026-00012" in out
    assert "王*堃" in out
    assert "一级" in out
    assert "2026-01-05 至 2031-01-04" in out
    assert "在线核验" in out

    tampered = _tamper_payload(fragment, level=2)
    assert script.main(["--public-key", str(public), tampered]) == 1
    assert "签名无效" in capsys.readouterr().err
    assert (
        script.main(
            ["--public-key", str(public), qr_fragment_sign(dataclasses.replace(PAYLOAD, kid="x"), key)]
        )
        == 2
    )
    assert "x" in capsys.readouterr().err
    assert script.main(["--public-key", str(public), "hello"]) == 3
    assert script.main(["--public-key", str(tmp_path / "missing.pem"), fragment]) == 2
    assert "无法读取" in capsys.readouterr().err
