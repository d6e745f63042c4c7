"""Reads of the exchange API: the key a bearer token names, a certificate by e-licence identifier, a
partner's own submissions, and what a reviewer needs beside a submission (the person on record, the
projects' names)."""

import re

from django.utils import timezone

from exams.models import MetrologyProject
from exchange.keys import api_key_id, api_key_matches
from exchange.models import ApiKey, InboundCertificate, Partner
from people.models import Person
from registry.elicence import elicence_identifier, elicence_identifier_is_well_formed
from registry.models import RegistrationCertificate
from registry.models.certificate import certificate_number

_SERIAL_RE = re.compile(r"^HLJZC([12])(\d{4})(\d{5,9})$")
_MAX_ID = 2**63 - 1


def api_key_for(token: str) -> ApiKey | None:
    """The usable key `token` is: well formed, known, its hash matching, its partner active, not expired,
    not revoked. None for anything else (one answer: the caller learns nothing about which check failed)."""
    key_id = api_key_id(token)
    if key_id is None:
        return None
    key = ApiKey.objects.select_related("partner").filter(prefix=key_id).first()
    if key is None or not api_key_matches(token, key.secret_hash):
        return None
    if key.revoked_at is not None or key.expires_at <= timezone.now() or not key.partner.is_active:
        return None
    return key


def certificate_by_elicence_identifier(identifier: str) -> RegistrationCertificate | None:
    """The certificate whose e-licence identifier (registry/elicence.py) is exactly `identifier`, or None.

    The identifier's serial is the certificate number without separators (HLJ-ZC1-2026-00012 →
    HLJZC1202600012), so the number is rebuilt from it and looked up exactly; the identifier is then
    recomputed from the stored number, so an identifier under another issuer or type code finds nothing.
    """
    identifier = (identifier or "").strip()
    if not elicence_identifier_is_well_formed(identifier):
        return None
    serial = identifier.split(".")[-3]
    match = _SERIAL_RE.fullmatch(serial)
    if match is None:
        return None
    level, year, sequence = (int(part) for part in match.groups())
    number = certificate_number(year=year, level=level, sequence=sequence)
    certificate = (
        RegistrationCertificate.objects.select_related("person", "employer")
        .prefetch_related("projects")
        .filter(number=number)
        .first()
    )
    if certificate is None or elicence_identifier(certificate.number) != identifier:
        return None
    return certificate


def inbound_of_partner(*, partner: Partner, pk: int) -> InboundCertificate | None:
    """A submission of `partner`; None for another partner's (the API answers 404, not 403)."""
    if not 0 < pk <= _MAX_ID:
        return None
    return InboundCertificate.objects.filter(partner=partner, pk=pk).first()


def inbound_person_on_record(inbound: InboundCertificate) -> Person | None:
    """The person on record with the submission's resident ID number (the one acceptance would use:
    exchange.services.inbound_accept), or None. One query, through the blind index."""
    return Person.objects.with_id_number(inbound.holder_id_number).first()


def inbound_project_names(inbound: InboundCertificate) -> list[str]:
    """The submission's project codes as "code name" from the catalogue, in the submitted order; a code no
    longer in the catalogue stays a bare code. One query."""
    names = dict(MetrologyProject.objects.filter(code__in=inbound.projects).values_list("code", "name"))
    return [f"{code} {names[code]}" if code in names else code for code in inbound.projects]
