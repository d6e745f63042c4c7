"""Reading a signed PDF back as a relying party would: pyHanko's validator against the tests' own CA, and
the XMP packet. Shared by the unit tests (tests/registry/test_signed_pdfs.py) and the browser test."""

import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from registry.signing import ELICENCE_XMP_NS


def signature_status(pdf: bytes, ca_dir: Path) -> PdfSignatureStatus:
    """The status of the PDF's only signature, trusting only the tests' CA root (`ca_dir / "ca.pem"`).

    Run on a thread of its own: the validator starts an event loop, which Playwright's sync API (browser
    tests) already runs on the test's thread."""

    def validate() -> PdfSignatureStatus:
        reader = PdfFileReader(io.BytesIO(pdf))
        (signature,) = reader.embedded_signatures
        context = ValidationContext(trust_roots=[load_cert_from_pemder(str(ca_dir / "ca.pem"))])
        return validate_pdf_signature(signature, context)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate).result()


def elicence_xmp(pdf: bytes) -> dict[str, object]:
    """Our e-licence fields in the PDF's XMP (/Metadata in the catalogue), by local name, plus dc:title.
    Fails if the packet states a property twice (an XMP reader may take either)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    stream = reader.root["/Metadata"]
    fields: dict[str, object] = {}
    seen: set[object] = set()
    for root in stream.xmp:
        for name, value in root:
            assert name not in seen, f"XMP property {name} stated twice"
            seen.add(name)
            if name.ns == ELICENCE_XMP_NS:
                inner = value.value
                entries = getattr(inner, "entries", None)
                fields[name.local_name] = [e.value for e in entries] if entries is not None else inner
            elif name.local_name == "title":
                fields["dc:title"] = [e.value for e in value.value.entries]
            elif name.local_name == "Producer":
                fields["pdf:Producer"] = value.value
    return fields


def pyhanko_cli_verdict(pdf: bytes, ca_dir: Path, tmp_dir: Path) -> tuple[int, str]:
    """`pyhanko sign validate` (the pyhanko-cli package) on the file, trusting only the tests' CA root, as a
    relying party would run it: (exit code, its one-line summary `field:fingerprint:VALID|INVALID`)."""
    path = tmp_dir / "to-validate.pdf"
    path.write_bytes(pdf)
    pyhanko = Path(sys.executable).with_name("pyhanko")
    command = [str(pyhanko), "sign", "validate", "--executive-summary"]
    command += ["--trust", str(ca_dir / "ca.pem"), "--trust-replace", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    return done.returncode, done.stdout.strip()
