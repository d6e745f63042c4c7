"""Settings shared by every environment. Everything that varies comes from environment variables.

The variables are documented in README.md ("Configuration"). Defaults give the embedded set-up a
newcomer runs with no servers: SQLite, Celery tasks run in-process, e-mail printed to the console.
"""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- core -----------------------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
# Former keys still accepted for signatures while a rotation settles (README, "Secrets").
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"  # the Chinese "form expired" page (0101)
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
    "csp",
    "pgtrigger",
    # Before accounts: their sign-in signal receivers run first, so accounts' audit receivers see the
    # lockout axes decided for the same attempt (accounts/signals.py).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",
    "pii",
    "accounts",
    "people",
    "workdays",
    "exams",
    "registry",
    "training",
    "supervision",
    "reports",
    # Operations (docs/operations.md, section 6): probes, metrics, job runs; django-prometheus's series.
    "django_prometheus",
    "ops",
    "exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /api/: JSON answers only, Chinese messages, one access-log row per keyed call (exchange/middleware.py)
    "exchange.middleware.ApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static assets answered here, before the headers below
    "config.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor was given
    "config.errors.FriendlyNotFoundMiddleware",  # DEBUG: Django's URL list only for superusers (0101)
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",  # after messages: it says why the user was signed out
    "accounts.middleware.TwoFactorMiddleware",  # staff, bureau, inspectors: no page before the second factor
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the Chinese lockout page
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

# --- security headers (docs/decisions/0060-security-headers.md) ----------------------------------------
# Content-Security-Policy: every script and style comes from a file of this site (static/js, static/css),
# never from an inline <script>, <style>, style="" or on...="" attribute; nothing may frame the site, and
# forms post only to it. The portal, /verify/, the login pages and the admin all work under it
# (tests/e2e/test_content_security_policy.py fails on any violation).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Permissions-Policy: browser features the registry never uses are off for it and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# No Referer to other sites; a window this site opens cannot reach back into it, nor it into others.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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
# MLPS 2.0 level 3 password policy (accounts/passwords.py): length and three of four character classes,
# not like the username, not a common password.
REGISTRY_PASSWORD_MIN_LENGTH = env.int("REGISTRY_PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in security (docs/decisions/0020-sign-in-security.md). django-axes counts failed sign-ins on both
# login pages, per account and per client address, and refuses further attempts for a cool-off period.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("REGISTRY_LOGIN_FAILURE_LIMIT", default=5)  # per account
REGISTRY_LOGIN_ADDRESS_FAILURE_LIMIT = env.int("REGISTRY_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("REGISTRY_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching its limit locks
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "audit.request.request_address"  # REGISTRY_TRUSTED_PROXY_COUNT applies
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
AXES_RESET_ON_SUCCESS = False  # a success must not wipe an address's failures against other accounts
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the cool-off ends on time, however hammered
AXES_DISABLE_ACCESS_LOG = True  # the audit trail records sign-ins (accounts/signals.py)
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # English-only pages; a lock ends by itself, or `manage.py axes_reset_username`
# Two-factor authentication (TOTP, recovery codes) for staff, the bureau, inspectors and superusers.
OTP_TOTP_ISSUER = env("REGISTRY_OTP_ISSUER", default="黑龙江计量师注册")
# Sessions: at most a working day; staff sessions end when the browser closes; idle sessions end sooner.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
REGISTRY_STAFF_IDLE_MINUTES = env.int("REGISTRY_STAFF_IDLE_MINUTES", default=30)
REGISTRY_ENTERPRISE_IDLE_MINUTES = env.int("REGISTRY_ENTERPRISE_IDLE_MINUTES", default=60)

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

# --- Redis outages ---------------------------------------------------------------------------------
# How long (s) a connection to Redis (broker or cache) may take to open or to answer before the caller
# goes on without it, and how long a process then skips Redis before trying again.
# docs/decisions/0051-redis-outages.md
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=10.0)

# --- cache ------------------------------------------------------------------------------------------
# CACHE_URL=redis://127.0.0.1:6379/1 shares the cache (rate limits, the /verify/ page) between processes.
# A Redis cache that is down degrades instead of failing (config/cache.py): a miss, and counters per process.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://registry")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.cache.FailSoftRedisCache"

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
# Nothing reads a task's result, so by default none is stored: a result backend would sit in the request
# path of every enqueue (Celery subscribes to the result before publishing), and a Redis outage there
# used to hang each enqueue for 19 s and then raise. Set it only for operators' tools.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = True
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
# Publishing happens in requests (after commit): one short try, no retry loop. What it fails to send is
# redone by a sweep from the database (the notification outbox, the certificate PDFs).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
# Redis keeps a delivered, unacknowledged message aside and puts it back on the queue when a worker
# finds it older than visibility_timeout (at start-up and every restore interval x throttle seconds).
# That is how a task whose worker died mid-task (acks late) runs again. It must stay comfortably above
# the longest task and the longest retry countdown (registry/tasks.py: 300 s), or a task still running
# or waiting is handed out twice; 900 s (15 minutes) is three times that, and a crashed worker's task
# waits at most that long instead of an hour. docs/decisions/0051-redis-outages.md
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    # A producer (a request, beat, a sweep) opening its connection tries once: no sleep-and-retry loop.
    # The worker's and beat's own connections retry as before (broker_connection_max_retries).
    "max_retries": 0,
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
    "sweep-decision-documents": {
        "task": "registry.sweep_decision_documents",
        "schedule": crontab(minute="*/15"),
    },
    "deliver-notifications": {"task": "registry.deliver_notifications", "schedule": crontab(minute="*")},
    # Acts on 1 October and 1 December only (and catches up in the days after, if those runs were missed).
    "send-shortfall-reminders": {
        "task": "training.send_shortfall_reminders",
        "schedule": crontab(hour=9, minute=30),
    },
    "verify-audit-chains": {"task": "audit.verify_chains", "schedule": crontab(hour=3, minute=30)},
    # Acts on 20 December, 3, 8 and 11 January only (and catches up in the days after): reports.reminders.
    "send-report-reminders": {
        "task": "reports.send_report_reminders",
        "schedule": crontab(hour=9, minute=40),
    },
}

# --- logging (ops/logs.py, docs/operations.md, section 6) -----------------------------------------------
# LOG_FORMAT=json writes one JSON object a line (production's default, config/settings/production.py);
# plain, the default here, keeps `make run` readable. Both carry the request id, and every record is
# redacted (resident ID and mobile numbers masked) before it is written.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "ops.logs.RequestIdFilter"},
        "redact": {"()": "ops.logs.RedactFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
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
# Audit events (audit.AuditEvent) older than this many days may be archived to a file and removed
# (`manage.py audit_archive`); never fewer than 180 (MLPS 2.0 level 3: at least six months), checked at
# start-up. Workflow transitions (registry.AuditEntry) are part of the case file and are never archived.
REGISTRY_AUDIT_RETENTION_DAYS = env.int("REGISTRY_AUDIT_RETENTION_DAYS", default=365)
# Where audit_archive writes its JSON Lines files (keep them on backed-up, write-once storage).
REGISTRY_AUDIT_ARCHIVE_DIR = env.path(
    "REGISTRY_AUDIT_ARCHIVE_DIR", default=BASE_DIR / "var" / "audit-archive"
)
# Audit rows written by services during a web request carry the client's address (audit/middleware.py).
MIDDLEWARE += ["audit.middleware.AuditRequestMiddleware"]

# --- personal data at rest (pii/crypto.py) --------------------------------------------------------------
# Resident ID and phone numbers are encrypted in the database (Fernet). REGISTRY_FIELD_ENCRYPTION_KEYS is a
# comma-separated list of Fernet keys: the first encrypts, every one listed decrypts (rotation: put a new
# key first, run `manage.py rotate_field_keys`, then drop the old one). REGISTRY_BLIND_INDEX_KEY keys the
# digests that find a person by exact ID number. Production requires both (README, "Secrets"); these
# defaults are published in the repository and are for development and tests only.
REGISTRY_DEVELOPMENT_FIELD_KEY = "aW5zZWN1cmUtZGV2LWtleS1mb3ItcGlpLWZpZWxkcyE="  # insecure, development only
REGISTRY_FIELD_ENCRYPTION_KEYS = env.list(
    "REGISTRY_FIELD_ENCRYPTION_KEYS", default=[REGISTRY_DEVELOPMENT_FIELD_KEY]
)
REGISTRY_BLIND_INDEX_KEY = env(
    "REGISTRY_BLIND_INDEX_KEY", default="insecure-development-blind-index-key-not-for-real-data"
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
# The written decisions (registry/pdf/decision.py): the authority that entrusts the association with
# registration, and the bodies a refusal names for administrative reconsideration (《行政复议法》: the
# people's government at the level of the deciding department) and litigation (《行政诉讼法》).
REGISTRY_ENTRUSTING_AUTHORITY = env("REGISTRY_ENTRUSTING_AUTHORITY", default="黑龙江省市场监督管理局")
REGISTRY_RECONSIDERATION_BODY = env("REGISTRY_RECONSIDERATION_BODY", default="黑龙江省人民政府")
REGISTRY_LITIGATION_COURT = env("REGISTRY_LITIGATION_COURT", default="有管辖权的人民法院")

# --- the certificate as an electronic licence (registry/elicence.py, GB/T 36901–36905) -------------------
# The issuing body's unified social credit code (统一社会信用代码, GB 32100; its name is
# registry.pdf.document.ISSUING_BODY). The default code is a development placeholder with a valid check
# character (51 = social organisation, 230000 = Heilongjiang); `manage.py check --deploy` refuses it.
REGISTRY_DEVELOPMENT_ISSUER_CREDIT_CODE = "51230000MJ00000005"  # all-zero organisation code: not real
REGISTRY_ISSUER_CREDIT_CODE = env(
    "REGISTRY_ISSUER_CREDIT_CODE", default=REGISTRY_DEVELOPMENT_ISSUER_CREDIT_CODE
)
# The licence type code (证照类型代码) the provincial e-licence catalogue assigns to this certificate: by
# the national platform's convention, the credit code of the department that defines the licence followed
# by a three-digit serial. Until the catalogue assigns one, the default is built from the issuer's code.
REGISTRY_ELICENCE_TYPE_CODE = env("REGISTRY_ELICENCE_TYPE_CODE", default="")
# The association's signing key (PEM, PKCS#8, optionally encrypted with the passphrase), its certificate and
# the chain up to the CA (PEM): files outside the repository, readable by the service user only (README,
# "Signing keys"). Unset, PDFs are signed by a development CA generated into REGISTRY_SIGNING_DEV_DIR,
# which `manage.py check --deploy` refuses (registry/signing.py, registry/checks.py).
REGISTRY_SIGNING_KEY_FILE = env("REGISTRY_SIGNING_KEY_FILE", default="")
REGISTRY_SIGNING_CERT_FILE = env("REGISTRY_SIGNING_CERT_FILE", default="")
REGISTRY_SIGNING_CHAIN_FILE = env("REGISTRY_SIGNING_CHAIN_FILE", default="")
REGISTRY_SIGNING_KEY_PASSPHRASE = env("REGISTRY_SIGNING_KEY_PASSPHRASE", default="")
REGISTRY_SIGNING_DEV_DIR = Path(
    env("REGISTRY_SIGNING_DEV_DIR", default=str(BASE_DIR / "var" / "dev-signing"))
)

# --- the QR code's offline-checkable signature (registry/qr_signing.py, docs/decisions/0103) -------------
# The association's current Ed25519 private key (PEM) and its key id, printed in every QR payload. The
# default is a development key generated at run time into var/dev-signing/ (git-ignored) and reused;
# `manage.py check --deploy` refuses it. Earlier keys' public halves stay published, as `<kid>.pem` files
# in REGISTRY_QR_PUBLIC_KEY_DIR (optionally headed by `Valid-From: YYYY-MM-DD` / `Valid-Until:` lines), so
# certificates signed before a rotation still verify.
REGISTRY_DEVELOPMENT_QR_SIGNING_KEY_FILE = REGISTRY_SIGNING_DEV_DIR / "qr-ed25519-dev.pem"
REGISTRY_QR_SIGNING_KEY_FILE = env.path(
    "REGISTRY_QR_SIGNING_KEY_FILE", default=REGISTRY_DEVELOPMENT_QR_SIGNING_KEY_FILE
)
REGISTRY_QR_SIGNING_KID = env("REGISTRY_QR_SIGNING_KID", default="dev")
REGISTRY_QR_PUBLIC_KEY_DIR = env("REGISTRY_QR_PUBLIC_KEY_DIR", default="")

# --- the enterprise portal ------------------------------------------------------------------------------
# Employer sign-ups accepted per client address (django-ratelimit syntax: "10/h", "50/d").
REGISTRY_SIGN_UP_RATE = env("REGISTRY_SIGN_UP_RATE", default="10/h")
# Public feedback (/feedback/) accepted per client address (django-ratelimit syntax).
REGISTRY_FEEDBACK_RATE = env("REGISTRY_FEEDBACK_RATE", default="5/h")
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
# Admin changelists with EstimatedCountPaginator (common/paginators.py) count exactly up to this many rows and
# show PostgreSQL's planner estimate ("约 N 条") above it, instead of scanning the whole table per page.
REGISTRY_COUNT_ESTIMATE_ABOVE = env.int("REGISTRY_COUNT_ESTIMATE_ABOVE", default=10_000)

# --- operations: probes, metrics, scheduled jobs seen (ops/, docs/operations.md, section 6) --------------
# /healthz, /readyz and /metrics answer without sign-in only to these addresses or networks (CIDR, comma-
# separated; the client address is read as audit.request.request_address does, behind
# REGISTRY_TRUSTED_PROXY_COUNT proxies). Everyone else gets 404.
REGISTRY_HEALTH_ALLOWED_NETWORKS = env.list(
    "REGISTRY_HEALTH_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1"]
)
# /readyz: a worker must have run the heartbeat, and beat started some job, within these many minutes.
REGISTRY_HEALTH_WORKER_MINUTES = env.int("REGISTRY_HEALTH_WORKER_MINUTES", default=5)
REGISTRY_HEALTH_BEAT_MINUTES = env.int("REGISTRY_HEALTH_BEAT_MINUTES", default=5)
# /readyz: the signing certificate is a warning this many days before it expires (renewal takes weeks).
REGISTRY_HEALTH_SIGNING_DAYS = env.int("REGISTRY_HEALTH_SIGNING_DAYS", default=60)
# A scheduled job that has not started this many minutes after it was due is shown as missed.
REGISTRY_JOB_GRACE_MINUTES = env.int("REGISTRY_JOB_GRACE_MINUTES", default=15)
# Job-run records (ops.JobRun) older than this are deleted by the daily prune-job-runs job.
REGISTRY_JOB_RUN_RETENTION_DAYS = env.int("REGISTRY_JOB_RUN_RETENTION_DAYS", default=30)
CELERY_BEAT_SCHEDULE.update(
    {
        # Every minute; expires so that heartbeats queued while no worker ran are dropped, not replayed.
        "ops-heartbeat": {
            "task": "ops.heartbeat",
            "schedule": crontab(minute="*"),
            "options": {"expires": 50},
        },
        "prune-job-runs": {"task": "ops.prune_job_runs", "schedule": crontab(hour=4, minute=10)},
    }
)
# The worker logs through LOGGING above (JSON, request ids, redaction), not through Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# django-prometheus: its "before" middleware first and its "after" middleware last (request latency by
# view); the request id next, then the probes, answered ahead of the HTTPS redirect and the session.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "ops.middleware.RequestIdMiddleware",
    "ops.middleware.ProbeMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# --- the exchange API (/api/v1/, exchange/; docs/decisions/0104-exchange-api.md) ---------------------------
# Requests per API key (django-ratelimit syntax), counted in the default cache (shared in production).
REGISTRY_API_RATE = env("REGISTRY_API_RATE", default="600/m")
# The server-side secret mixed into the hash of every API key (HMAC-SHA256). Keys are 256 random bits, so
# the hash needs no slow KDF; the pepper means a leaked database alone cannot confirm a guessed key.
# Set it in production; this default is published in the repository and is for development only.
REGISTRY_DEVELOPMENT_API_KEY_PEPPER = "insecure-development-api-key-pepper"
REGISTRY_API_KEY_PEPPER = env("REGISTRY_API_KEY_PEPPER", default=REGISTRY_DEVELOPMENT_API_KEY_PEPPER)
# How long a newly issued key is valid unless staff choose otherwise (days).
REGISTRY_API_KEY_DAYS = env.int("REGISTRY_API_KEY_DAYS", default=365)
