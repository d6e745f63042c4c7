"""A registration certificate as an electronic licence (电子证照): its identifier and its metadata.

The national e-licence standards (GB/T 36901 framework, 36902 catalogue, 36903 metadata, 36904 identifier,
36905 file) let a platform that imports e-licences read a licence without scraping its picture. This
module is the one place that says what ours are; the signed PDF embeds them as XMP (issue 19), the
verification page shows them and the exchange interface returns them (issue 20).

- **Identifier** (证照标识, GB/T 36904): `1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>`
  under the national e-licence root. The type code (证照类型代码) is assigned by the provincial catalogue
  (REGISTRY_ELICENCE_TYPE_CODE); until it is, it is the issuer's credit code followed by `001`. The serial
  is the certificate number without its separators; the version is 1 (a change or renewal is a new
  certificate with its own number, never a new version of an old one). The check character is ISO/IEC
  7064 MOD 37,36 over everything before it, so a mistyped identifier is refused before any lookup.
- **Metadata** (GB/T 36903's core elements): licence name and type code, identifier, number, issuing body
  and its credit code, holder name, holder's identity-document type and number (masked: the metadata
  travels with the PDF), issue date, validity, and the level and projects this licence type adds.
docs/decisions/0102-signed-pdfs-and-elicence-metadata.md records what was checked against the standards
and what waits for the provincial catalogue.
"""

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from registry.pdf.document import ISSUING_BODY

if TYPE_CHECKING:
    from exams.models import MetrologyProject
    from registry.models import RegistrationCertificate

ELICENCE_ROOT = "1.2.156.3005.2"
LICENCE_NAME = "企业注册计量师注册证"
# GB/T 36903's code for the holder's identity document: the resident identity card.
HOLDER_ID_TYPE_RESIDENT_CARD = "111"
ELICENCE_VERSION = "1"

_MOD_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_IDENTIFIER_RE = re.compile(
    r"^1\.2\.156\.3005\.2\.[0-9A-Z]{1,40}\.[0-9A-Z]{18}\.[0-9A-Z]{1,30}\.[0-9]{1,3}\.[0-9A-Z]$"
)


def _mod_37_36(text: str) -> str:
    """ISO/IEC 7064 MOD 37,36 check character of `text` (digits and capital letters; others are skipped)."""
    product = 36
    for char in text:
        if char not in _MOD_ALPHABET:
            continue
        total = (product + _MOD_ALPHABET.index(char)) % 36 or 36
        product = (total * 2) % 37
    return _MOD_ALPHABET[(37 - product) % 36]


def issuer_credit_code() -> str:
    return settings.REGISTRY_ISSUER_CREDIT_CODE


def elicence_type_code() -> str:
    """证照类型代码: the catalogue's code when configured, else the issuer's credit code + `001`."""
    return settings.REGISTRY_ELICENCE_TYPE_CODE or f"{issuer_credit_code()}001"


def elicence_identifier(number: str) -> str:
    """The e-licence identifier of the certificate numbered `number` (HLJ-ZC1-2026-00012: its digits and
    Latin capitals make the serial, HLJZC1202600012)."""
    serial = "".join(char for char in number.upper() if char in _MOD_ALPHABET)
    if not serial:
        raise ValueError(f"a certificate number with no digits: {number!r}")
    body = f"{ELICENCE_ROOT}.{elicence_type_code()}.{issuer_credit_code()}.{serial}.{ELICENCE_VERSION}"
    return f"{body}.{_mod_37_36(body)}"


def elicence_identifier_is_well_formed(identifier: str) -> bool:
    """True when `identifier` has the identifier's shape and its check character is right."""
    identifier = (identifier or "").strip()
    if not _IDENTIFIER_RE.fullmatch(identifier):
        return False
    body, _dot, check = identifier.rpartition(".")
    return _mod_37_36(body) == check


@dataclass(frozen=True)
class ElicenceMetadata:
    """The e-licence metadata of one certificate, as plain values (dates as date objects)."""

    identifier: str
    licence_name: str
    type_code: str
    number: str
    issuer: str
    issuer_code: str
    holder_name: str
    holder_id_type: str
    holder_id_number_masked: str
    level: int
    projects: tuple[str, ...]  # "code 名称"
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date

    def as_json(self) -> dict[str, object]:
        """The metadata as JSON-ready values (ISO dates, lists)."""
        data = asdict(self)
        data["projects"] = list(self.projects)
        for key in ("issued_on", "valid_from", "valid_until"):
            data[key] = data[key].isoformat()
        return data


def elicence_metadata(
    *,
    number: str,
    holder_name: str,
    holder_id_number_masked: str,
    level: int,
    projects: tuple[str, ...],
    issued_on: dt.date,
    valid_from: dt.date,
    valid_until: dt.date,
) -> ElicenceMetadata:
    """The metadata of the certificate with these printed values (the caller reads them from its models,
    so that the PDF renderer, the verification page and the exchange interface agree)."""
    return ElicenceMetadata(
        identifier=elicence_identifier(number),
        licence_name=LICENCE_NAME,
        type_code=elicence_type_code(),
        number=number,
        issuer=ISSUING_BODY,
        issuer_code=issuer_credit_code(),
        holder_name=holder_name,
        holder_id_type=HOLDER_ID_TYPE_RESIDENT_CARD,
        holder_id_number_masked=holder_id_number_masked,
        level=level,
        projects=tuple(projects),
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _code(project: "MetrologyProject") -> str:
    return project.code


def certificate_elicence(certificate: "RegistrationCertificate") -> ElicenceMetadata:
    """The metadata of a stored certificate (person and projects are read: select/prefetch them)."""
    return elicence_metadata(
        number=certificate.number,
        holder_name=certificate.person.name,
        holder_id_number_masked=certificate.person.masked_id_number,
        level=certificate.level,
        projects=tuple(
            f"{p.code} {p.name}" for p in sorted(certificate.projects.all(), key=lambda p: p.code)
        ),
        issued_on=certificate.issued_on,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
    )
