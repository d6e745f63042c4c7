#!/usr/bin/env python3
"""核验企业注册计量师注册证二维码中的签名（离线）。Check a certificate's QR code offline.

For an auditor without the registry's code: needs only Python 3.10+ and the `cryptography` package, and
the association's public key file(s) from /verify/keys/ (saved as `<kid>.pem`). Nothing is sent anywhere.

    python3 verify_certificate_qr.py --public-key 2026a.pem "https://…/verify/TOKEN/#hl1.….…"

Exit status: 0 signature valid, 1 signature invalid, 2 key not given/published, 3 not a QR payload.
The format (docs/decisions/0103-signing-keys-and-algorithms.md, registry/qr_signing.py): the QR text ends
with `#hl1.<payload>.<signature>`, both base64url; the payload is UTF-8 `kid|number|masked holder|level|
valid from|valid until|issued on|document hash` (dates YYYYMMDD); the Ed25519 signature covers the ASCII
bytes `hl1.<payload>`. Kept in step with registry/qr_signing.py by tests/registry/test_qr_signing.py.
The messages are Chinese in the source: the script runs without the registry's translation catalogue.
"""

import argparse
import base64
import datetime as dt
import re
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

PATTERN = re.compile(r"hl1\.([A-Za-z0-9_-]{1,600})\.([A-Za-z0-9_-]{86})(?![A-Za-z0-9_-])")
LEVELS = {"1": "一级", "2": "二级"}


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y%m%d").date()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="离线核验注册证二维码的签名")
    parser.add_argument("text", help="二维码扫描得到的文字（请加引号）")
    parser.add_argument("--public-key", action="append", required=True, metavar="KID.pem", help="公钥文件")
    args = parser.parse_args(argv)

    keys: dict[str, Ed25519PublicKey] = {}
    for name in args.public_key:
        try:
            key = load_pem_public_key(Path(name).read_bytes())
        except (OSError, ValueError) as error:
            print(f"无法读取公钥文件 {name}：{error}", file=sys.stderr)
            return 2
        if not isinstance(key, Ed25519PublicKey):
            print(f"公钥文件 {name} 不是 Ed25519 公钥。", file=sys.stderr)
            return 2
        keys[Path(name).stem] = key

    match = PATTERN.search(args.text.strip())
    try:
        if match is None:
            raise ValueError("no payload")
        fields = _b64(match.group(1)).decode("utf-8").split("|")
        kid, number, holder, level, valid_from, valid_until, issued_on, digest = fields
        start, end, issued = _day(valid_from), _day(valid_until), _day(issued_on)
        if level not in LEVELS:
            raise ValueError("level")
    except ValueError:  # also a wrong field count, bad base64 or UTF-8
        print("这不是注册证二维码的内容。请重新扫描，并完整粘贴扫描结果。", file=sys.stderr)
        return 3
    if kid not in keys:
        print(f"签名所用的密钥（{kid}）不在所给的公钥中：无法核验，请在线核验。", file=sys.stderr)
        return 2
    try:
        keys[kid].verify(_b64(match.group(2)), f"hl1.{match.group(1)}".encode("ascii"))
    except (InvalidSignature, ValueError):
        print("签名无效：内容被改动过，或并非协会签发的注册证。请勿采信。", file=sys.stderr)
        return 1
    today = dt.date.today()
    print("签名有效：协会签发过内容如下的注册证。")
    print(f"证书编号：{number}")
    print(f"姓名：{holder}")
    print(f"级别：{LEVELS[level]}")
    print(f"有效期：{start.isoformat()} 至 {end.isoformat()}")
    print(f"发证日期：{issued.isoformat()}")
    print(f"签名密钥：{kid}")
    print(f"文件摘要：{digest}")
    print("按签名所载的有效期，今天" + ("在有效期内。" if start <= today <= end else "不在有效期内。"))
    print("签名只证明签发时的内容，不反映此后的撤销、注销或变更：证书当前状态请以在线核验页面为准。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
