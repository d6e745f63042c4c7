"""The test suite. DATABASE_URL and CELERY_BROKER_URL still select real servers (see tests/conftest.py)."""

import tempfile
from pathlib import Path

from .base import *
from .base import STORAGES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "registry.sms.LocmemSMSBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"}}

# Tests run tasks in-process unless a test opts into the real broker and worker (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True

# A test sees calendar changes through invalidation (tests/conftest.py), never through the clock, so that
# query counts do not depend on how long a test runs. Tests of the re-check override this.
REGISTRY_CALENDAR_RECHECK_SECONDS = 3600.0

PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=tempfile.mkdtemp(prefix="registry-test-")))
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
STORAGES = {**STORAGES, "default": {**STORAGES["default"], "OPTIONS": {"location": PRIVATE_STORAGE_ROOT}}}
