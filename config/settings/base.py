"""Settings shared by every environment. Everything that varies comes from environment variables.

The variables are documented in README.md ("Configuration"). Defaults give the embedded set-up a
newcomer runs with no servers: SQLite, Celery tasks run in-process, e-mail printed to the console.
"""

from datetime import date
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- core -----------------------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "config.admin_site.RegistryAdminConfig",  # django.contrib.admin with a guarded site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "pgtrigger",
    "audit",
    "accounts",
    "registry",
    "exams",
    "training",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------------
# DATABASE_URL=postgres://user@host:5432/name selects PostgreSQL; the default is a local SQLite file.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite runs one writer at a time. Every transaction takes the write lock when it begins (IMMEDIATE),
    # so two staff acting on one application queue up for it instead of one failing half-way with
    # "database is locked"; `timeout` is how long (s) the second waits. The loser then sees the same clear
    # message as on PostgreSQL, where select_for_update does this job.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- users ------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- language and time ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- files ------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded materials and generated certificates hold personal data: they live outside any URL the web
# server serves, and reach users only through permission-checked views. There is no MEDIA_URL.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=BASE_DIR / "var" / "private")
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- cache ------------------------------------------------------------------------------------------
# CACHE_URL=redis://127.0.0.1:6379/1 shares the cache (rate limits, calendar) between processes.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://registry")}

# --- e-mail -----------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="黑龙江省计量协会 <registry@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # a send holds its notification row locked (idempotence)

# --- SMS --------------------------------------------------------------------------------------------
# A dotted path to a class with send(*, to, body); the default only logs (registry/sms.py).
SMS_BACKEND = env("SMS_BACKEND", default="registry.sms.LoggingSMSBackend")

# --- Celery -----------------------------------------------------------------------------------------
# CELERY_BROKER_URL=redis://127.0.0.1:6379/0 sends tasks to a real broker and worker. Without it, tasks
# run in-process, in the request that enqueues them (after its transaction commits).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="registry")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves the message for another worker
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis keeps a delivered, unacknowledged message aside and puts it back on the queue when a worker
# finds it older than visibility_timeout (at start-up and every restore interval x throttle seconds).
# That is how a task whose worker died mid-task (acks late) runs again; a task must finish well within it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
# The periodic jobs (`make worker` runs beat), at Asia/Shanghai times (CELERY_TIMEZONE). Each has a
# management command of the same purpose for running it by hand.
CELERY_BEAT_SCHEDULE = {
    "expire-certificates": {"task": "registry.expire_certificates", "schedule": crontab(hour=0, minute=10)},
    "apply-deemed-acceptance": {
        "task": "registry.apply_deemed_acceptance",
        "schedule": crontab(hour=0, minute=20),
    },
    "send-staff-digest": {"task": "registry.send_staff_digest", "schedule": crontab(hour=8, minute=0)},
    "send-expiry-reminders": {
        "task": "registry.send_expiry_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "sweep-certificate-pdfs": {"task": "registry.sweep_certificate_pdfs", "schedule": crontab(minute="*/15")},
    "verify-audit-chains": {"task": "audit.verify_chains", "schedule": crontab(hour=3, minute=30)},
}

# --- logging ----------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- audit trail -------------------------------------------------------------------------------------
# Keys of the audit tables' hash chain (audit/chain.py), comma-separated `id=secret`: the first signs new
# rows, every one listed verifies old rows (rotation: put a new key first, keep the old ones). Production
# requires it; the default is for development only.
REGISTRY_AUDIT_CHAIN_KEYS = env.list(
    "REGISTRY_AUDIT_CHAIN_KEYS", default=["dev=insecure-development-audit-chain-key"]
)

# --- the registry's own rules -------------------------------------------------------------------------
# The pilot window (试点时间). The plan says "from launch to 2025-12-31"; it is routinely extended.
REGISTRY_PILOT_START = date.fromisoformat(env("REGISTRY_PILOT_START", default="2025-01-01"))
REGISTRY_PILOT_END = date.fromisoformat(env("REGISTRY_PILOT_END", default="2027-12-31"))
# Public verification (/verify/): requests per client; number + name lookups are the stricter limit.
REGISTRY_VERIFY_RATE = env("REGISTRY_VERIFY_RATE", default="60/m")
REGISTRY_VERIFY_LOOKUP_RATE = env("REGISTRY_VERIFY_LOOKUP_RATE", default="20/h")
# How long a certificate's QR page may be served from the cache; a state change clears it at once anyway.
REGISTRY_VERIFY_PAGE_SECONDS = env.int("REGISTRY_VERIFY_PAGE_SECONDS", default=300)
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
REGISTRY_TRUSTED_PROXY_COUNT = env.int("REGISTRY_TRUSTED_PROXY_COUNT", default=0)
# The person who accepted an application may not also approve it (separation of duties).
REGISTRY_SEPARATE_ACCEPT_AND_APPROVE = env.bool("REGISTRY_SEPARATE_ACCEPT_AND_APPROVE", default=True)

# --- the enterprise portal ------------------------------------------------------------------------------
# Employer sign-ups accepted per client address (django-ratelimit syntax: "10/h", "50/d").
REGISTRY_SIGN_UP_RATE = env("REGISTRY_SIGN_UP_RATE", default="10/h")
# Uploaded materials (PDF, JPEG, PNG): the largest file accepted, in bytes, and the most pixels an image
# may decode to (a small file can hold a huge image: a decompression bomb).
REGISTRY_MAX_UPLOAD_BYTES = env.int("REGISTRY_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
REGISTRY_MAX_IMAGE_PIXELS = env.int("REGISTRY_MAX_IMAGE_PIXELS", default=40_000_000)
# Every spreadsheet upload (.xlsx, .csv: portal batches, score and catalogue imports; sheet_files.py):
# the largest file, the most data rows, and the most bytes an .xlsx may unpack to (a zip bomb is a small
# file that unpacks to gigabytes; 2,000 filled rows of the templates unpack to about 1 MB). Uploads per
# user (django-ratelimit syntax), counted over every import path together.
REGISTRY_MAX_SHEET_BYTES = env.int("REGISTRY_MAX_SHEET_BYTES", default=5 * 1024 * 1024)
REGISTRY_MAX_SHEET_ROWS = env.int("REGISTRY_MAX_SHEET_ROWS", default=2000)
REGISTRY_MAX_SHEET_UNPACKED_BYTES = env.int("REGISTRY_MAX_SHEET_UNPACKED_BYTES", default=10 * 1024 * 1024)
REGISTRY_SHEET_UPLOAD_RATE = env("REGISTRY_SHEET_UPLOAD_RATE", default="30/h")

# --- spreadsheets (django-import-export) -------------------------------------------------------------
# Off: the library's escaping deletes a leading "=" from every format, JSON and HTML included. Exports
# escape formulas in registry/sheet_formats.py, only in CSV, TSV and XLSX, where a formula can run.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# How often (seconds) a process asks the database whether the working-day calendar changed elsewhere.
REGISTRY_CALENDAR_RECHECK_SECONDS = env.float("REGISTRY_CALENDAR_RECHECK_SECONDS", default=5.0)
