"""Production: everything secret or site-specific must come from the environment.

`python manage.py check --deploy` is clean with the variables in README.md ("Configuration").
"""

from .base import *
from .base import LOGGING, STORAGES, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
REGISTRY_AUDIT_CHAIN_KEYS = env.list("REGISTRY_AUDIT_CHAIN_KEYS")  # no default: see README ("Secrets")
REGISTRY_FIELD_ENCRYPTION_KEYS = env.list("REGISTRY_FIELD_ENCRYPTION_KEYS")  # no default: README ("Secrets")
REGISTRY_BLIND_INDEX_KEY = env("REGISTRY_BLIND_INDEX_KEY")  # no default: README ("Secrets")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options, CSP and Permissions-Policy hold in every
# environment: base.py ("security headers").

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Logs: one JSON object a line unless LOG_FORMAT says otherwise (docs/operations.md, section 6).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
