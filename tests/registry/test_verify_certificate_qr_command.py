"""`manage.py verify_certificate_qr`: an offline check, in Chinese, with exit codes and no traceback."""

import dataclasses
import datetime as dt

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from registry.qr_signing import QrPayload, document_hash, qr_fragment_sign, signing_key

PAYLOAD = QrPayload(
    kid="dev",
    number="HLJ-ZC2-2026-00007",
    holder="李*",
    level=2,
    valid_from=dt.date(2026, 1, 5),
    valid_until=dt.date(2031, 1, 4),
    issued_on=dt.date(2026, 1, 5),
    document_hash=document_hash("01" * 32),
)


def _run(*args) -> tuple[int, str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_certificate_qr", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def fragment():
    kid, key = signing_key()
    return qr_fragment_sign(dataclasses.replace(PAYLOAD, kid=kid), key)


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC), tick=False)
def test_a_good_payload_prints_its_fields_in_chinese(fragment):
    code, out, err = _run(f"https://registry.example.cn/verify/Zx81Q0wq_AbCdEfGhIjKlMn0/#{fragment}")
    assert code == 0
    assert err == ""
    assert "证书编号：HLJ-ZC2-2026-00007" in out
    assert "姓名：李*" in out
    assert "级别：二级" in out
    assert "有效期：2026-01-05 — 2031-01-04" in out
    assert "发证日期：2026-01-05" in out
    lines = out.splitlines()
    assert len(lines) == 10  # verdict, six fields, hash, validity today, the online reminder


@time_machine.travel(dt.datetime(2032, 3, 1, 12, tzinfo=dt.UTC), tick=False)
def test_past_the_signed_validity_it_says_so(fragment):
    from registry.qr_signing import qr_check_messages

    code, out, _err = _run(fragment)
    assert code == 0
    assert qr_check_messages()["outside_validity"] in out


def test_a_tampered_payload_exits_1_with_a_message_and_no_traceback(fragment):
    prefix, body, signature = fragment.split(".")
    code, out, err = _run(f"{prefix}.{body}.{signature[::-1]}")
    assert code == 1
    assert out == ""
    assert err.strip()
    assert "Traceback" not in err


def test_unknown_key_exits_2_and_junk_exits_3():
    other = qr_fragment_sign(dataclasses.replace(PAYLOAD, kid="gone"), Ed25519PrivateKey.generate())
    assert _run(other)[0] == 2
    code, _out, err = _run("not a QR code at all")
    assert code == 3
    assert err.strip()


def test_a_public_key_file_alone_is_enough(tmp_path):
    key = Ed25519PrivateKey.generate()
    public = tmp_path / "2030a.pem"
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    fragment = qr_fragment_sign(dataclasses.replace(PAYLOAD, kid="2030a"), key)
    assert _run(fragment, "--public-key", str(public))[0] == 0
    # The site's own key is not consulted when files are given.
    kid, own = signing_key()
    assert (
        _run(qr_fragment_sign(dataclasses.replace(PAYLOAD, kid=kid), own), "--public-key", str(public))[0]
        == 2
    )
    assert _run(fragment, "--public-key", str(tmp_path / "nope.pem"))[0] == 2
