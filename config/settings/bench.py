"""Benchmarks (`make bench`): production-like (no debug), with a database of their own."""

from .base import *
from .base import BASE_DIR, env

DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}")}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
ROOT_URLCONF = "bench.urls"  # the site plus the minimal view of figure 6
# Figure 4 imports 10,000 scores from one file, past the 2,000 rows a user may upload in one file.
REGISTRY_MAX_SHEET_ROWS = 20_000
