"""Check a certificate's QR code offline: `python manage.py verify_certificate_qr "<scanned text>"`.

The signature is checked with the published public keys (this installation's, or the PEM files given with
--public-key, named `<kid>.pem`), without contacting any server. Prints in Chinese whether the signature
holds, the signed fields and whether today is within the signed period of validity, and reminds that only
the online page knows of a revocation. Exit status: 0 signature valid, 1 signature invalid, 2 key not
published, 3 not a QR payload. docs/decisions/0103-signing-keys-and-algorithms.md.
"""

import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from registry.qr_signing import (
    PublishedKey,
    QrPayloadError,
    public_key_read,
    published_keys,
    qr_check_messages,
    qr_text_check,
)

EXIT_CODES = {"bad_signature": 1, "unknown_key": 2, "malformed": 3}


class Command(BaseCommand):
    help = "Check the signed payload of a certificate's QR code offline, with the published public keys."

    def add_arguments(self, parser):
        parser.add_argument("text", help="The text a QR scanner read from the certificate (quote it).")
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="KID.pem",
            help="A public key file named after its key id; repeat for several (default: this site's keys).",
        )

    def handle(self, *args, **options) -> None:
        with translation.override("zh-hans"):
            messages = qr_check_messages()
            try:
                keys = self._keys(options["public_key"])
            except (OSError, ValueError, ImproperlyConfigured) as error:
                self.stderr.write(_("The public key file cannot be read: %(error)s") % {"error": error})
                sys.exit(EXIT_CODES["unknown_key"])
            try:
                payload = qr_text_check(options["text"], keys)
            except QrPayloadError as error:
                self.stderr.write(messages[error.code])
                sys.exit(EXIT_CODES[error.code])
            today = timezone.localdate()
            lines = [
                messages["valid"],
                f"{pgettext('certificate', 'Certificate No.')}：{payload.number}",
                f"{pgettext('certificate', 'Name')}：{payload.holder}",
                f"{pgettext('certificate', 'Level')}：{messages[f'level_{payload.level}']}",
                f"{pgettext('certificate', 'Period of validity')}："
                f"{payload.valid_from.isoformat()} — {payload.valid_until.isoformat()}",
                f"{pgettext('certificate', 'Date of issue')}：{payload.issued_on.isoformat()}",
                f"{_('Signing key')}：{payload.kid}",
                f"{_('Document hash')}：{payload.document_hash}",
                messages["in_validity" if payload.valid_on(today) else "outside_validity"],
                messages["online"],
            ]
            self.stdout.write("\n".join(lines))

    @staticmethod
    def _keys(files: list[str]) -> dict[str, PublishedKey]:
        if not files:
            return published_keys()
        return {Path(f).stem: public_key_read(Path(f).read_bytes(), kid=Path(f).stem) for f in files}
