"""The association's digital signature on the PDFs it issues (PAdES B-B, pyHanko) and the e-licence XMP.

- `sign_pdf(pdf, seal=..., metadata=...)` adds, in one incremental update, a visible signature field over
  the printed seal and a PAdES baseline B-B signature (ECDSA P-256 / SHA-256 with a certificate chain and
  the signing time), and writes the document's XMP: dc:title, dc:creator, pdf:Producer and, for a
  certificate, the e-licence metadata (registry/elicence.py) in our namespace ELICENCE_XMP_NS. Changing
  any signed byte afterwards makes the signature invalid.
- The key and chain come from files named in settings (REGISTRY_SIGNING_KEY_FILE, _CERT_FILE, _CHAIN_FILE,
  _KEY_PASSPHRASE; README, "Signing keys"), loaded once per process and reused: signing then costs a few
  milliseconds. When no key is configured (development, tests, seed_demo), a development CA and signing
  certificate, labelled 开发测试用 — 不可用于生产 in their names, are generated once into
  REGISTRY_SIGNING_DEV_DIR and reused; `manage.py check --deploy` refuses them (registry/checks.py).
- A configured key that cannot be read raises SigningUnavailable with the reason, never the key's bytes.

docs/decisions/0102-signed-pdfs-and-elicence-metadata.md records the choices.
"""

import asyncio
import datetime as dt
import io
import math
import os
import shutil
import tempfile
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import model as xmp
from pyhanko.pdf_utils.metadata import xmp_xml
from pyhanko.sign import attributes, fields, signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.stamp import NoOpStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from registry.elicence import ElicenceMetadata
from registry.pdf.document import ISSUING_BODY
from registry.pdf.ornaments import SealPlacement

# The e-licence namespace in the XMP packet: a name, not an address (a reserved domain, RFC 2606, that
# nobody else can claim). Readers key on it: a change of meaning is a new version, never an edit.
ELICENCE_XMP_NS = "https://registry.example/ns/elicence/1.0/"
ELICENCE_XMP_PREFIX = "hljel"
DEVELOPMENT_MARK = "开发测试用 — 不可用于生产"
SIGNATURE_FIELD = "IssuerSeal"
_PRODUCER = "黑龙江省企业注册计量师注册系统"

xmp.NS[ELICENCE_XMP_PREFIX] = ELICENCE_XMP_NS
ElementTree.register_namespace(ELICENCE_XMP_PREFIX, ELICENCE_XMP_NS)


class SigningUnavailable(RuntimeError):
    """The configured signing key or certificate cannot be used (missing, unreadable, mismatched)."""


@dataclass(frozen=True)
class SigningIdentity:
    """A loaded key with its certificate and chain, ready to sign many PDFs."""

    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    development: bool
    # Room for the CMS signature in the PDF, in hex digits: every certificate of the chain is embedded, plus
    # 4 KB for the signature and its attributes. Reserving it saves pyHanko a trial signature per PDF (40 %
    # of the signing time).
    reserved: int


@dataclass(frozen=True)
class PdfMetadata:
    """What the signed PDF's XMP says: its title, and for a certificate its e-licence metadata."""

    title: str
    elicence: ElicenceMetadata | None = None


# --- keys -------------------------------------------------------------------------------------------------


class _PreparedSigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, with the signing-certificate-v2 attribute (the same in every signature made
    with this certificate) encoded once: rebuilding and re-encoding it per PDF was three quarters of the
    signing time (docs/performance.md, figure 5c)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        value = as_signing_certificate_v2(self.signing_cert)  # SHA-256, as pyHanko's own provider
        self._signing_certificate = simple_cms_attribute("signing_certificate_v2", value).dump()

    def _signed_attr_provider_spec(self, *args: Any, **kwargs: Any) -> attributes.SignedAttributeProviderSpec:
        spec = super()._signed_attr_provider_spec(*args, **kwargs)
        return _WithPreparedSigningCertificate(spec, self._signing_certificate)


class _PreparedAttribute(attributes.CMSAttributeProvider):
    attribute_type = "signing_certificate_v2"

    def __init__(self, encoded: bytes) -> None:
        self.encoded = encoded

    async def get_attribute(self, dry_run: bool = False) -> cms.CMSAttribute:
        return cms.CMSAttribute.load(self.encoded)  # parsed, so it is written back as these bytes


class _WithPreparedSigningCertificate(attributes.SignedAttributeProviderSpec):
    def __init__(self, spec: attributes.SignedAttributeProviderSpec, encoded: bytes) -> None:
        self.spec = spec
        self.encoded = encoded

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterator[attributes.CMSAttributeProvider]:
        for provider in self.spec.signed_attr_providers(
            data_digest=data_digest, digest_algorithm=digest_algorithm
        ):
            if isinstance(provider, attributes.SigningCertificateV2Provider):
                yield _PreparedAttribute(self.encoded)
            else:
                yield provider


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SigningUnavailable(f"the signing {what} file {path} cannot be read: {error.strerror}") from None


def _identity(key_pem: bytes, cert_pem: bytes, chain_pem: bytes, passphrase: bytes | None) -> SigningIdentity:
    try:
        private = serialization.load_pem_private_key(key_pem, password=passphrase)
    except (ValueError, TypeError) as error:
        # cryptography's message says "bad decrypt", "password was not given" or "could not deserialize",
        # never the key itself
        raise SigningUnavailable(f"the signing key cannot be loaded: {error}") from None
    try:
        public = x509.load_pem_x509_certificate(cert_pem).public_key()
        certificate = next(iter(load_certs_from_pemder_data(cert_pem)))
        chain = list(load_certs_from_pemder_data(chain_pem)) if chain_pem else []
    except (ValueError, StopIteration) as error:
        raise SigningUnavailable(f"the signing certificate or chain cannot be loaded: {error!r}") from None
    der = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if private.public_key().public_bytes(*der) != public.public_bytes(*der):
        raise SigningUnavailable("the signing key does not belong to the signing certificate")
    key = load_private_key_from_pemder_data(key_pem, passphrase=passphrase)
    store = SimpleCertificateStore.from_certs([certificate, *chain])
    signer = _PreparedSigner(signing_cert=certificate, signing_key=key, cert_registry=store)
    names = " ".join(str(value) for value in certificate.subject.native.values())
    issuer = " ".join(str(value) for value in certificate.issuer.native.values())
    embedded = sum(len(c.dump()) for c in [certificate, *chain])
    return SigningIdentity(
        signer=signer,
        certificate=certificate,
        development=DEVELOPMENT_MARK in names + issuer,
        reserved=2 * (embedded + 4096),
    )


@lru_cache(maxsize=4)
def _load(key_file: str, cert_file: str, chain_file: str, passphrase: str, dev_dir: str) -> SigningIdentity:
    if key_file:
        if not cert_file:
            raise SigningUnavailable("REGISTRY_SIGNING_KEY_FILE is set but REGISTRY_SIGNING_CERT_FILE is not")
        return _identity(
            _read(key_file, "key"),
            _read(cert_file, "certificate"),
            _read(chain_file, "chain") if chain_file else b"",
            passphrase.encode() if passphrase else None,
        )
    directory = development_ca_ensure(Path(dev_dir))
    return _identity(
        (directory / "key.pem").read_bytes(),
        (directory / "cert.pem").read_bytes(),
        (directory / "ca.pem").read_bytes(),
        None,
    )


def signing_identity() -> SigningIdentity:
    """The configured signing identity, or the development one when none is configured; loaded once."""
    return _load(
        settings.REGISTRY_SIGNING_KEY_FILE,
        settings.REGISTRY_SIGNING_CERT_FILE,
        settings.REGISTRY_SIGNING_CHAIN_FILE,
        settings.REGISTRY_SIGNING_KEY_PASSPHRASE,
        str(settings.REGISTRY_SIGNING_DEV_DIR),
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEVELOPMENT_MARK),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def development_ca_ensure(directory: Path) -> Path:
    """The development CA (ca.pem) and signing certificate and key (cert.pem, key.pem) in `directory`,
    generated the first time and reused after. Two processes racing both generate; one set wins whole."""
    if (directory / "key.pem").exists():
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{ISSUING_BODY} 开发测试根证书")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{ISSUING_BODY} 电子签章"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    staging = Path(tempfile.mkdtemp(prefix=".dev-signing-", dir=directory.parent))
    (staging / "ca.pem").write_bytes(_pem(ca))
    (staging / "cert.pem").write_bytes(_pem(certificate))
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (staging / "key.pem").write_bytes(key_pem)
    os.chmod(staging / "key.pem", 0o600)
    try:
        staging.rename(directory)
    except OSError:  # another process won the race (or an empty directory is in the way)
        if not (directory / "key.pem").exists():
            shutil.rmtree(directory, ignore_errors=True)
            staging.rename(directory)
        else:
            shutil.rmtree(staging, ignore_errors=True)
    return directory


# --- signing ----------------------------------------------------------------------------------------------

# ElicenceMetadata's fields as XMP property names in our namespace (docs/decisions/0102).
_XMP_NAMES = {
    "identifier": "identifier",
    "licence_name": "licenceName",
    "type_code": "typeCode",
    "number": "number",
    "issuer": "issuer",
    "issuer_code": "issuerCode",
    "holder_name": "holderName",
    "holder_id_type": "holderIdType",
    "holder_id_number_masked": "holderIdNumber",
    "level": "level",
    "issued_on": "issuedOn",
    "valid_from": "validFrom",
    "valid_until": "validUntil",
}


def _xmp_extra(metadata: ElicenceMetadata) -> xmp.XmpStructure:
    def name(local: str) -> xmp.ExpandedName:
        return xmp.ExpandedName(ns=ELICENCE_XMP_NS, local_name=local)

    values = metadata.as_json()  # ISO dates: the same values the exchange interface returns
    del values["projects"]  # a list: an rdf:Bag below
    projects = xmp.XmpArray.unordered([xmp.XmpValue(p) for p in metadata.projects])
    entries: list[tuple[xmp.ExpandedName, xmp.XmpValue]] = [
        (name(_XMP_NAMES[key]), xmp.XmpValue(str(value))) for key, value in values.items()
    ]
    entries.append((name("projects"), xmp.XmpValue(projects)))
    return xmp.XmpStructure.of(*entries)


def sign_pdf(pdf: bytes, *, seal: SealPlacement, metadata: PdfMetadata) -> bytes:
    """`pdf` signed by the association (PAdES B-B) with a visible field over `seal`, and its XMP written.

    Raises SigningUnavailable when the configured key cannot be used.
    """
    identity = signing_identity()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = writer.document_meta
    meta.title = metadata.title
    meta.author = ISSUING_BODY
    meta.creator = _PRODUCER
    if metadata.elicence is not None:
        meta.subject = metadata.elicence.licence_name
        meta.keywords = [metadata.elicence.identifier]
        # Our fields go in as the document's XMP stream, not as pyHanko's `xmp_extra`: the writer updates
        # the metadata twice while signing, and merges an existing stream's properties into one
        # description, while `xmp_extra` would then be appended a second time (every field twice).
        stream = xmp_xml.MetadataStream.from_xmp([_xmp_extra(metadata.elicence)])
        writer.root["/Metadata"] = writer.add_object(stream)
        writer.update_root()
    x1, y1, x2, y2 = seal.box  # whole points, outwards: the field covers the seal
    box = (math.floor(x1), math.floor(y1), math.ceil(x2), math.ceil(y2))
    fields.append_signature_field(
        writer, SigFieldSpec(sig_field_name=SIGNATURE_FIELD, on_page=seal.page, box=box)
    )
    signature_meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="电子证照签发",
        location="黑龙江省",
        name=ISSUING_BODY,
    )
    out = io.BytesIO()
    signer = signers.PdfSigner(signature_meta, identity.signer, stamp_style=NoOpStampStyle())
    _run(lambda: signer.async_sign_pdf(writer, output=out, bytes_reserved=identity.reserved))
    return out.getvalue()


_threads = threading.local()


def _run(make: Callable[[], Coroutine[Any, Any, object]]) -> None:
    """Run pyHanko's coroutine on this thread's own event loop, kept between PDFs (asyncio.run's new loop
    per call costs a tenth of the signing time). Called from a thread whose loop is running (an async
    caller, Playwright's sync API in the browser tests), it runs on a short-lived thread instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loop = getattr(_threads, "loop", None)
        if loop is None:
            loop = _threads.loop = asyncio.new_event_loop()
        loop.run_until_complete(make())
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(make())).result()


def signing_problem() -> str:
    """Why production cannot sign as configured, or "" when it can (the deploy check's question)."""
    if not settings.REGISTRY_SIGNING_KEY_FILE:
        return (
            "no signing key is configured (REGISTRY_SIGNING_KEY_FILE, REGISTRY_SIGNING_CERT_FILE): "
            "PDFs would be signed by the development CA"
        )
    try:
        identity = signing_identity()
    except SigningUnavailable as error:
        return str(error)
    if identity.development:
        return "the configured signing certificate is the development CA's, not usable in production"
    if identity.certificate.not_valid_after < dt.datetime.now(dt.UTC):
        return "the configured signing certificate has expired"
    return ""
