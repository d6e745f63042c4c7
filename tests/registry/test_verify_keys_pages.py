"""The published keys (/verify/keys/, /verify/keys.json), the offline check page and what the QR page adds."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.cache import cache
from django.urls import reverse

from registry.elicence import elicence_identifier
from registry.qr_signing import published_keys, signing_key
from tests.factories import RegistrationCertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def rotated(tmp_path, settings):
    """An earlier key `2025a` kept in the public-key directory beside the current `2026a`."""
    keys = {}
    public_dir = tmp_path / "public"
    public_dir.mkdir()
    for kid, headers in [("2025a", "Valid-From: 2025-01-01\nValid-Until: 2025-12-31\n"), ("2026a", "")]:
        key = Ed25519PrivateKey.generate()
        keys[kid] = key
        pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (public_dir / f"{kid}.pem").write_bytes(headers.encode() + pem)
    private = tmp_path / "current.pem"
    private.write_bytes(
        keys["2026a"].private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.REGISTRY_QR_SIGNING_KEY_FILE = private
    settings.REGISTRY_QR_SIGNING_KID = "2026a"
    settings.REGISTRY_QR_PUBLIC_KEY_DIR = str(public_dir)
    return keys


def test_the_json_lists_every_published_key_usable_alone(client, rotated):
    response = client.get(reverse("verify:keys_json"))
    assert response.status_code == 200
    data = response.json()
    assert data["format"] == "hl1"
    assert [k["kid"] for k in data["keys"]] == ["2025a", "2026a"]
    old = data["keys"][0]
    assert (old["alg"], old["valid_from"], old["valid_until"]) == ("Ed25519", "2025-01-01", "2025-12-31")
    # Both published forms are the key: the PEM and the raw bytes verify the old key's signature.
    signature = rotated["2025a"].sign(b"hl1.x")
    serialization.load_pem_public_key(old["pem"].encode()).verify(signature, b"hl1.x")
    import base64

    raw = base64.urlsafe_b64decode(old["public_key"] + "=")
    Ed25519PublicKey.from_public_bytes(raw).verify(signature, b"hl1.x")
    assert "PRIVATE" not in response.content.decode()


def test_the_keys_page_shows_each_key_and_no_private_half(client, rotated):
    response = client.get(reverse("verify:keys"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="qr-key"') == 2
    for key in published_keys().values():
        assert key.raw in page
    assert "2025-12-31" in page
    assert "PRIVATE" not in page


def test_the_offline_page_embeds_the_keys_and_loads_its_script_from_a_file(client):
    response = client.get(reverse("verify:offline"))
    assert response.status_code == 200
    page = response.content.decode()
    kid, _key = signing_key()
    assert f'"kid": "{kid}"' in page
    assert "js/verify-qr.js" in page
    # No executable inline script (CSP): only JSON data blocks.
    import re

    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline
    assert all('type="application/json"' in attributes for attributes in inline)


def test_the_qr_page_shows_the_elicence_metadata_masked(client, django_assert_max_num_queries):
    certificate = RegistrationCertificateFactory(application__person__name="王喆堃")
    with django_assert_max_num_queries(4):
        response = client.get(reverse("verify:token", args=[certificate.verification_token]))
    page = response.content.decode()
    assert response.status_code == 200
    assert elicence_identifier(certificate.number) in page
    assert 'data-testid="qr-check"' in page
    assert "qr-keys" in page
    assert "王喆堃" not in page
    assert certificate.person.id_number not in page


def test_the_keys_json_refuses_other_methods(client):
    assert client.post(reverse("verify:keys_json")).status_code == 405
