"""Signed certificate and decision PDFs (issue 19): PAdES signatures valid against the chain, broken by any
changed byte, the visible field over the printed seal, the e-licence XMP, the development CA made once,
and a configured key that cannot be used giving a clear error and a failing deploy check.

The tests' own development CA is generated once per run in a temporary directory (`signing_ca_dir`,
tests/conftest.py); the validator trusts only its root.
"""

import datetime as dt
import io
import logging
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from accounts.roles import Role
from registry.checks import check_issuer_credit_code, check_signing_key
from registry.elicence import certificate_elicence, elicence_identifier
from registry.models import DecisionKind, RegistrationCertificate
from registry.pdf import render_certificate_pdf
from registry.pdf.certificate import SEAL_PLACEMENT
from registry.pdf.decision import DecisionNotice, NoticeKind, render_decision_pdf
from registry.pdf.sample import sample_document
from registry.services.certificate_pdfs import certificate_pdf_generate, certificates_pdf_outdated
from registry.services.certificates import certificate_revoke
from registry.services.decision_documents import decision_document_generate
from registry.signing import (
    DEVELOPMENT_MARK,
    SIGNATURE_FIELD,
    PdfMetadata,
    SigningUnavailable,
    development_ca_ensure,
    sign_pdf,
    signing_identity,
    signing_problem,
)
from tests.factories import (
    ApplicationFactory,
    MetrologyProjectFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.pdf_signatures import elicence_xmp, pyhanko_cli_verdict, signature_status


def _signed_sample() -> bytes:
    return sign_pdf(
        render_certificate_pdf(sample_document()), seal=SEAL_PLACEMENT, metadata=PdfMetadata(title="t")
    )


def _field_rect(pdf: bytes) -> tuple[int, tuple[float, ...]]:
    """(page index, rect) of the signature's widget."""
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    field = signature.sig_field
    kids = reader.root["/Pages"]["/Kids"]  # one level: reportlab's page tree is flat
    index = [kids.raw_get(i).idnum for i in range(len(kids))].index(field.raw_get("/P").idnum)
    return index, tuple(float(v) for v in field["/Rect"])


def test_a_signed_certificate_is_valid_against_the_test_ca(signing_ca_dir):
    pdf = _signed_sample()
    status = signature_status(pdf, signing_ca_dir)
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)
    assert status.signing_cert.dump() == signing_identity().certificate.dump()
    assert DEVELOPMENT_MARK in status.signing_cert.subject.human_friendly
    assert status.signer_reported_dt is not None  # the signing time is in the signature
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    assert signature.field_name == SIGNATURE_FIELD
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert signature.md_algorithm == "sha256"
    assert signature.signer_cert.public_key.algorithm == "ec"


def test_the_visible_signature_covers_the_printed_seal():
    page, rect = _field_rect(_signed_sample())
    assert page == SEAL_PLACEMENT.page == 0
    assert rect == pytest.approx(SEAL_PLACEMENT.box, abs=1)  # whole points, rounded outwards


@pytest.mark.parametrize("where", ["first range", "second range"])
def test_one_byte_changed_after_signing_breaks_the_signature(signing_ca_dir, where):
    pdf = _signed_sample()
    assert signature_status(pdf, signing_ca_dir).bottom_line
    _start, first, second_start, second = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0].byte_range
    at = first // 2 if where == "first range" else second_start + second // 2
    tampered = bytearray(pdf)
    tampered[at] ^= 0x01
    try:
        status = signature_status(bytes(tampered), signing_ca_dir)
    except Exception:  # a file no longer readable is broken too
        return
    assert not status.intact
    assert not status.bottom_line


def test_pyhanko_sign_validate_judges_the_file_valid_and_a_changed_byte_invalid(signing_ca_dir, tmp_path):
    """The command-line validator a relying party runs (`pyhanko sign validate`), trusting only the CA."""
    pdf = _signed_sample()
    code, summary = pyhanko_cli_verdict(pdf, signing_ca_dir, tmp_path)
    assert (code, summary.startswith(f"{SIGNATURE_FIELD}:"), summary.endswith(":VALID")) == (0, True, True)
    _start, first, _second_start, _second = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0].byte_range
    tampered = bytearray(pdf)
    tampered[first // 2] ^= 0x01
    code, summary = pyhanko_cli_verdict(bytes(tampered), signing_ca_dir, tmp_path)
    assert code != 0
    assert summary.endswith(":INVALID")


def test_pyhanko_sign_validate_does_not_trust_a_certificate_signed_by_another_ca(tmp_path):
    """The same file checked against a CA that did not issue the signing certificate: not VALID."""
    other = tmp_path / "other-ca"
    development_ca_ensure(other)
    code, summary = pyhanko_cli_verdict(_signed_sample(), other, tmp_path)
    assert code != 0
    assert not summary.endswith(":VALID")


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler-utils (pdfsig)")
def test_poppler_also_finds_the_signature_valid(tmp_path):
    """An independent implementation (poppler's, NSS) agrees the signature is intact."""
    path = tmp_path / "signed.pdf"
    path.write_bytes(_signed_sample())
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out


@pytest.mark.django_db
def test_the_stored_certificate_pdf_is_signed_and_carries_its_elicence_xmp(signing_ca_dir, settings):
    settings.REGISTRY_ISSUER_CREDIT_CODE = "51230000MJ00000018"
    certificate = RegistrationCertificateFactory(
        projects=[MetrologyProjectFactory(code="0101", name="量块检定")]
    )
    certificate = certificate_pdf_generate(certificate_id=certificate.pk)
    pdf = certificate.pdf.read()
    assert signature_status(pdf, signing_ca_dir).bottom_line
    xmp = elicence_xmp(pdf)
    expected = certificate_elicence(certificate)
    assert xmp["identifier"] == elicence_identifier(certificate.number) == expected.identifier
    assert xmp["typeCode"] == "51230000MJ00000018001"
    assert (xmp["issuer"], xmp["issuerCode"]) == ("黑龙江省计量协会", "51230000MJ00000018")
    assert xmp["holderName"] == certificate.person.name
    assert xmp["holderIdNumber"] == certificate.person.masked_id_number
    assert "*" in xmp["holderIdNumber"]  # never the full number: the metadata travels with the file
    assert xmp["number"] == certificate.number
    assert xmp["issuedOn"] == certificate.issued_on.isoformat()
    assert (xmp["validFrom"], xmp["validUntil"]) == (
        certificate.valid_from.isoformat(),
        certificate.valid_until.isoformat(),
    )
    assert xmp["projects"] == ["0101 量块检定"]
    assert xmp["dc:title"] == [f"企业注册计量师注册证 {certificate.number}"]
    assert xmp["pdf:Producer"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("traits", "kind"),
    [
        ({"accepted": True}, DecisionKind.ACCEPTANCE),
        ({"not_accepted": True}, DecisionKind.NON_ACCEPTANCE),
        ({"corrections_requested": True}, DecisionKind.CORRECTION),
        ({"denied": True}, DecisionKind.DENIAL),
    ],
)
def test_every_written_decision_is_signed(signing_ca_dir, traits, kind):
    application = ApplicationFactory(**traits)
    document = decision_document_generate(application_id=application.pk, kind=kind)
    assert document is not None
    pdf = document.pdf.read()
    status = signature_status(pdf, signing_ca_dir)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert "/Metadata" in PdfFileReader(io.BytesIO(pdf)).root


def test_a_decisions_visible_signature_covers_its_seal_wherever_the_text_puts_it():
    notice = DecisionNotice(
        kind=NoticeKind.DENIAL,
        number="SQ-2026-00001-BY",
        application_number="SQ-2026-00001",
        application_kind="初始注册",
        level=2,
        applicant_name="张三",
        employer_name="哈尔滨北方精密仪表有限公司",
        received=dt.date(2026, 3, 2),
        dated=dt.date(2026, 3, 10),
        accepted=dt.date(2026, 3, 4),
        reason="理由。" * 400,  # long enough to push the seal onto a later page
        reconsideration_body="黑龙江省人民政府",
        court="有管辖权的人民法院",
        entrusted_by="黑龙江省市场监督管理局",
    )
    pdf, seal = render_decision_pdf(notice)
    assert seal.page >= 1
    page, rect = _field_rect(sign_pdf(pdf, seal=seal, metadata=PdfMetadata(title="t")))
    assert page == seal.page
    assert rect == pytest.approx(seal.box, abs=1)


# --- keys -------------------------------------------------------------------------------------------------


def test_the_development_ca_is_generated_once_and_reused(tmp_path):
    directory = tmp_path / "dev"
    development_ca_ensure(directory)
    first = {name: (directory / name).read_bytes() for name in ("ca.pem", "cert.pem", "key.pem")}
    assert (directory / "key.pem").stat().st_mode & 0o077 == 0  # the key is the owner's alone
    development_ca_ensure(directory)
    assert {name: (directory / name).read_bytes() for name in first} == first
    certificate = x509.load_pem_x509_certificate(first["cert.pem"])
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == DEVELOPMENT_MARK


def test_the_loaded_identity_is_reused_between_pdfs(settings, tmp_path):
    settings.REGISTRY_SIGNING_DEV_DIR = tmp_path / "dev"
    assert signing_identity() is signing_identity()
    assert signing_identity().development


def test_a_configured_key_that_cannot_be_read_is_a_clear_error_and_fails_the_deploy_check(
    settings, tmp_path, caplog, db
):
    settings.REGISTRY_SIGNING_KEY_FILE = str(tmp_path / "missing-key.pem")
    settings.REGISTRY_SIGNING_CERT_FILE = str(tmp_path / "missing-cert.pem")
    with pytest.raises(SigningUnavailable, match=r"missing-key\.pem cannot be read"):
        signing_identity()
    [error] = check_signing_key()
    assert error.id == "registry.E001"
    assert "cannot be read" in error.msg
    # The issuing worker logs it and stores nothing; the sweep still sees the PDF as missing: no crash loop.
    certificate = RegistrationCertificateFactory()
    with caplog.at_level(logging.ERROR):
        result = certificate_pdf_generate(certificate_id=certificate.pk)
    assert not result.pdf
    assert "the signing key cannot be used" in caplog.text
    assert list(certificates_pdf_outdated()) == [certificate]
    assert RegistrationCertificate.objects.get(pk=certificate.pk).pdf_error == ""


def test_a_wrong_passphrase_or_a_key_of_another_certificate_is_refused(settings, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())  # an encrypted key, not the certificate's
    encryption = serialization.BestAvailableEncryption(b"correct horse")
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    ca = development_ca_ensure(tmp_path / "ca")
    settings.REGISTRY_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    settings.REGISTRY_SIGNING_CERT_FILE = str(ca / "cert.pem")
    settings.REGISTRY_SIGNING_KEY_PASSPHRASE = "wrong"
    with pytest.raises(SigningUnavailable) as wrong:
        signing_identity()
    assert "correct horse" not in str(wrong.value)
    settings.REGISTRY_SIGNING_KEY_PASSPHRASE = "correct horse"
    with pytest.raises(SigningUnavailable, match="does not belong to the signing certificate"):
        signing_identity()


def test_production_with_the_development_ca_or_no_key_fails_the_deploy_check(settings, tmp_path):
    assert "no signing key is configured" in signing_problem()
    directory = development_ca_ensure(tmp_path / "dev")
    settings.REGISTRY_SIGNING_KEY_FILE = str(directory / "key.pem")
    settings.REGISTRY_SIGNING_CERT_FILE = str(directory / "cert.pem")
    settings.REGISTRY_SIGNING_CHAIN_FILE = str(directory / "ca.pem")
    [error] = check_signing_key()
    assert "development CA" in error.msg


def test_a_configured_production_key_passes_the_deploy_check_and_signs(settings, tmp_path):
    """A key with a certificate from the association's CA (here: made up for the test, no dev mark)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "黑龙江省计量协会 电子签章")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"s3cret"),
        )
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    settings.REGISTRY_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    settings.REGISTRY_SIGNING_CERT_FILE = str(tmp_path / "cert.pem")
    settings.REGISTRY_SIGNING_KEY_PASSPHRASE = "s3cret"
    assert check_signing_key() == []
    assert not signing_identity().development
    signed = _signed_sample()
    reader = PdfFileReader(io.BytesIO(signed))
    assert reader.embedded_signatures[0].signer_cert.dump() == signing_identity().certificate.dump()


def test_the_development_issuer_credit_code_fails_the_deploy_check(settings):
    settings.REGISTRY_ISSUER_CREDIT_CODE = settings.REGISTRY_DEVELOPMENT_ISSUER_CREDIT_CODE
    [error] = check_issuer_credit_code()
    assert error.id == "registry.E002"
    settings.REGISTRY_ISSUER_CREDIT_CODE = "51230000MJ00000018"
    assert check_issuer_credit_code() == []
    settings.REGISTRY_ELICENCE_TYPE_CODE = "hlj-001"  # not the catalogue's shape
    [error] = check_issuer_credit_code()
    assert error.id == "registry.E003"


# --- the current state beside the download ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_portal_shows_the_current_state_beside_the_signed_download(client, association_user):
    application = ApplicationFactory(issued=True)
    certificate = RegistrationCertificateFactory(application=application)
    certificate_revoke(certificate=certificate, by=association_user, reason="证书涂改")
    clerk = UserFactory(role=Role.ENTERPRISE, employer=certificate.employer)
    client.force_login(clerk)
    page = client.get(reverse("portal:application_detail", args=[application.pk])).content.decode()
    state = page.split('data-testid="certificate-state"')[1].split("</span>")[0]
    assert "已撤销" in state
    assert reverse("portal:certificate_pdf", args=[certificate.pk]) in page
