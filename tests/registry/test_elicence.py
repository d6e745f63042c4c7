"""The e-licence identifier and metadata (registry/elicence.py)."""

import datetime as dt

import pytest

from registry.elicence import (
    ELICENCE_ROOT,
    _mod_37_36,
    certificate_elicence,
    elicence_identifier,
    elicence_identifier_is_well_formed,
    elicence_type_code,
)
from tests.factories import RegistrationCertificateFactory


def test_the_check_character_is_iso_7064_mod_37_36():
    # The worked example of ISO/IEC 7064 for MOD 37,36: "A12425GABC1234002" → "M".
    assert _mod_37_36("A12425GABC1234002") == "M"


def test_the_identifier_is_rooted_typed_and_checked(settings):
    settings.REGISTRY_ISSUER_CREDIT_CODE = "51230000MJ00000005"
    settings.REGISTRY_ELICENCE_TYPE_CODE = ""
    identifier = elicence_identifier("HLJ-ZC1-2026-00012")
    assert identifier.startswith(
        f"{ELICENCE_ROOT}.51230000MJ00000005001.51230000MJ00000005.HLJZC1202600012.1."
    )
    assert elicence_identifier_is_well_formed(identifier)
    assert elicence_type_code() == "51230000MJ00000005001"
    settings.REGISTRY_ELICENCE_TYPE_CODE = "11230000ABCDEFGH12002"
    assert ".11230000ABCDEFGH12002." in elicence_identifier("HLJ-ZC1-2026-00012")


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s[:-1] + ("0" if s[-1] != "0" else "1"),  # another check character
        lambda s: s.replace("00012", "00013"),  # one digit mistyped
        lambda s: s.replace("1.2.156", "1.2.157"),  # another root
        lambda s: s + ".1",
        lambda s: "",
    ],
)
def test_a_mistyped_identifier_is_not_well_formed(change):
    identifier = elicence_identifier("HLJ-ZC1-2026-00012")
    assert elicence_identifier_is_well_formed(identifier)
    assert not elicence_identifier_is_well_formed(change(identifier))


@pytest.mark.django_db
def test_the_metadata_of_a_certificate_masks_the_id_number():
    certificate = RegistrationCertificateFactory(
        issued_on=dt.date(2026, 3, 2), valid_from=dt.date(2026, 3, 2), valid_until=dt.date(2031, 3, 1)
    )
    metadata = certificate_elicence(certificate).as_json()
    assert metadata["number"] == certificate.number
    assert metadata["identifier"] == elicence_identifier(certificate.number)
    assert metadata["holder_name"] == certificate.person.name
    assert metadata["holder_id_number_masked"] == certificate.person.masked_id_number
    assert certificate.person.id_number not in str(metadata)
    assert metadata["issued_on"] == "2026-03-02"
    assert metadata["valid_until"] == "2031-03-01"
    assert metadata["issuer"] == "黑龙江省计量协会"
    assert metadata["level"] == certificate.level
