"""System checks for the registry's own deployment needs."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from registry.elicence import elicence_identifier, elicence_identifier_is_well_formed
from registry.qr_signing import is_development_key, published_keys
from registry.signing import signing_problem

_NOT_SHARED = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.db.DatabaseCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def check_rate_limit_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Rate limits on /verify/ count in the default cache: per process unless it is shared (Redis)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in _NOT_SHARED:
        return [
            checks.Warning(
                f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between processes, so the "
                "public verification page's rate limits are per process and multiply with the workers.",
                hint="Set CACHE_URL=redis://HOST:6379/1.",
                id="registry.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_qr_signing_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The QR code's signature must come from the association's own key, not the development one that
    any checkout generates (registry/qr_signing.py, docs/decisions/0103)."""
    path = Path(settings.REGISTRY_QR_SIGNING_KEY_FILE)
    if is_development_key(path) or settings.REGISTRY_QR_SIGNING_KID == "dev":
        return [
            checks.Error(
                "The certificates' QR codes would be signed with the development key.",
                hint="Set REGISTRY_QR_SIGNING_KEY_FILE to the association's Ed25519 key (PEM) and "
                "REGISTRY_QR_SIGNING_KID to its key id (docs/decisions/0103-signing-keys-and-algorithms.md).",
                id="registry.E103",
            )
        ]
    try:
        published_keys()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="registry.E104")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_signing_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production signs with the association's key, never the development CA (registry/signing.py)."""
    problem = signing_problem()
    if problem:
        return [
            checks.Error(
                f"Certificates and decisions cannot be signed for production: {problem}.",
                hint="Set REGISTRY_SIGNING_KEY_FILE, REGISTRY_SIGNING_CERT_FILE and "
                "REGISTRY_SIGNING_CHAIN_FILE to the association's key and certificate from a CA the province "
                "trusts (README, “Signing keys”).",
                id="registry.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_issuer_credit_code(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The e-licence metadata and identifiers name the real issuer, not the development placeholder."""
    if settings.REGISTRY_ISSUER_CREDIT_CODE == settings.REGISTRY_DEVELOPMENT_ISSUER_CREDIT_CODE:
        return [
            checks.Error(
                "REGISTRY_ISSUER_CREDIT_CODE is the development placeholder: every e-licence identifier "
                "and signed certificate would carry it.",
                hint="Set REGISTRY_ISSUER_CREDIT_CODE to the association's unified social credit code.",
                id="registry.E002",
            )
        ]
    if not elicence_identifier_is_well_formed(elicence_identifier("HLJ-ZC1-2026-00001")):
        return [
            checks.Error(
                "REGISTRY_ISSUER_CREDIT_CODE or REGISTRY_ELICENCE_TYPE_CODE does not make a well-formed "
                "e-licence identifier (GB/T 36904: digits and capital letters, an 18-character credit code).",
                hint="Check both settings against the credit code and the provincial e-licence catalogue.",
                id="registry.E003",
            )
        ]
    return []
