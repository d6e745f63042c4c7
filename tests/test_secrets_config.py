"""Secrets come from the environment (README, "Secrets"): production refuses to start without them, and a
rotated SECRET_KEY keeps accepting what the former key signed while it is listed in SECRET_KEY_FALLBACKS.

Settings are read once per process, so each case starts a fresh Python with the production settings.
"""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.core import signing

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "rotation-test-new-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "registry.example.cn",
    "REGISTRY_AUDIT_CHAIN_KEYS": "k1=rotation-test-audit-key-0123456789",
    "REGISTRY_FIELD_ENCRYPTION_KEYS": "cm90YXRpb24tdGVzdC1maWVsZC1rZXktMDEyMzQ1Njc=",
    "REGISTRY_BLIND_INDEX_KEY": "rotation-test-blind-index-key-0123456789abcdef",
    "CACHE_URL": "locmemcache://",
}
OLD_KEY = "rotation-test-old-key-0123456789abcdefghijklmnopqrstuvwxyz"

CHECK = """
import json, sys, django
django.setup()
from django.conf import settings
from django.core import signing
try:
    value = signing.loads(sys.argv[1], salt="rotation-test")
except signing.BadSignature:
    value = None
print(json.dumps({"fallbacks": len(settings.SECRET_KEY_FALLBACKS), "value": value}))
"""


def _python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "SECRET_KEY_FALLBACKS"}
    return subprocess.run(
        [sys.executable, "-c", CHECK, *args],
        env={**base, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_its_secrets():
    for missing in (
        "SECRET_KEY",
        "REGISTRY_AUDIT_CHAIN_KEYS",
        "REGISTRY_FIELD_ENCRYPTION_KEYS",
        "REGISTRY_BLIND_INDEX_KEY",
    ):
        env = {k: v for k, v in PRODUCTION.items() if k != missing}
        done = _python(env, "x")
        assert done.returncode != 0, missing
        assert missing in done.stderr, done.stderr[-500:]


def test_a_rotated_secret_key_accepts_the_former_keys_signatures_only_while_it_is_a_fallback():
    token = signing.dumps("signed before the rotation", key=OLD_KEY, salt="rotation-test")

    during = _python({**PRODUCTION, "SECRET_KEY_FALLBACKS": OLD_KEY}, token)
    assert during.returncode == 0, during.stderr[-500:]
    assert json.loads(during.stdout) == {"fallbacks": 1, "value": "signed before the rotation"}

    after = _python(PRODUCTION, token)
    assert after.returncode == 0, after.stderr[-500:]
    assert json.loads(after.stdout) == {"fallbacks": 0, "value": None}
