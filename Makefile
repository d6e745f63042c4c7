# The two commands a newcomer needs (README.md): `make run` and `make test`.
# Everything else here is what those two call, and a few helpers for developers.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The address `make run` serves on, used in the demo's printed login link, in e-mails and in certificates'
# QR codes. Follows HOST and PORT (0.0.0.0, "every interface", is reached as 127.0.0.1 on this machine); set
# SITE_URL yourself for another machine to reach it, e.g. SITE_URL=http://192.168.1.20:8000.
SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
# check-deploy's throwaway signing key and self-signed certificate (openssl, generated once, git-ignored):
# the check needs a readable production-style key; real ones come from a CA (README, "Signing keys").
CHECK_SIGNING := var/check-deploy-signing
PROD_ENV := DJANGO_SETTINGS_MODULE=config.settings.production CACHE_URL=redis://127.0.0.1:6379/1 SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdef ALLOWED_HOSTS=registry.example.cn REGISTRY_AUDIT_CHAIN_KEYS=k1=check-deploy-audit-key-0123456789 \
	REGISTRY_FIELD_ENCRYPTION_KEYS=Y2hlY2stZGVwbG95LWZpZWxkLWtleS0wMTIzNDU2Nzg= REGISTRY_BLIND_INDEX_KEY=check-deploy-blind-index-key-0123456789abcdef \
	REGISTRY_QR_SIGNING_KEY_FILE=var/check-deploy/qr-ed25519.pem REGISTRY_QR_SIGNING_KID=check-deploy \
	REGISTRY_ISSUER_CREDIT_CODE=51230000MJ00000018 \
	REGISTRY_SIGNING_KEY_FILE=$(CHECK_SIGNING)/key.pem REGISTRY_SIGNING_CERT_FILE=$(CHECK_SIGNING)/cert.pem \
	REGISTRY_API_KEY_PEPPER=check-deploy-api-key-pepper-0123456789abcdef

# Where the rules live: typed strictly enough for mypy with django-stubs.
TYPED := exams/rules.py exams/services.py accounts/roles.py accounts/two_factor.py accounts/sign_in.py accounts/passwords.py \
         accounts/services.py accounts/selectors.py \
         people/validators.py workdays/working_days.py registry/deadlines.py registry/selectors.py registry/services \
         exams/selectors.py registry/verification.py registry/qr_signing.py registry/sms.py registry/pdf registry/signing.py registry/checks.py \
         audit/chain.py audit/services.py audit/retention.py common/sheet_files.py common/text.py common/stored_files.py common/changefeed.py people/services.py workdays/services.py \
         registry/eligibility.py people/selectors.py workdays/selectors.py registry/advisories.py \
         training/rules.py training/selectors.py training/services training/providers.py training/reminders.py \
         supervision/draw.py supervision/selectors.py supervision/services \
         reports/services.py reports/figures reports/reminders.py reports/document.py reports/exports \
         ops/services.py ops/selectors.py ops/schedules.py ops/health.py ops/logs.py ops/access.py ops/metrics.py \
         exchange/services.py exchange/selectors.py exchange/keys.py exchange/auth.py exchange/errors.py

.PHONY: typecheck deadcode run test install migrate demo lint format check-deploy audit-deps messages lock bench bench-pg bench-tools mutation worker clean

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

## run: install, migrate, load the demo data and serve on http://127.0.0.1:8000 (SQLite, in-process Celery);
## `make run PORT=8001` (or HOST=0.0.0.0) serves elsewhere, and SITE_URL follows
run: install
	$(PY) manage.py migrate --noinput
	SITE_URL='$(SITE_URL)' $(PY) manage.py seed_demo
	SITE_URL='$(SITE_URL)' $(PY) manage.py runserver $(HOST):$(PORT)

## test: lint, migrations, deploy checks, the dependency audit, translations and the whole test suite
test: install lint typecheck deadcode audit-deps
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory check-deploy
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

## deadcode: functions, classes, properties and imports nothing uses (vulture; scripts/dead_code.py)
deadcode: install
	$(PY) scripts/dead_code.py

## typecheck: mypy with django-stubs on the layers that carry the rules (services, selectors, rules)
typecheck: install
	$(BIN)/mypy $(TYPED)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-deploy: install
	@mkdir -p var/check-deploy && test -s var/check-deploy/qr-ed25519.pem || openssl genpkey -algorithm ed25519 -out var/check-deploy/qr-ed25519.pem
	@test -f $(CHECK_SIGNING)/cert.pem || { mkdir -p $(CHECK_SIGNING) && \
	  openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out $(CHECK_SIGNING)/key.pem && \
	  openssl req -x509 -new -key $(CHECK_SIGNING)/key.pem -sha256 -days 3650 -out $(CHECK_SIGNING)/cert.pem \
	    -subj "/C=CN/O=make check-deploy/CN=throwaway signing certificate, never used to sign"; }
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING

## audit-deps: known vulnerabilities in the locked dependencies (pip-audit); fails on one, and says
## "NOT AUDITED" without failing when the advisory source is out of reach (REQUIRE_AUDIT=1 fails then too)
audit-deps: install
	$(PY) scripts/audit_deps.py requirements.lock requirements-dev.lock

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	SITE_URL='$(SITE_URL)' $(PY) manage.py seed_demo

## messages: refresh the Chinese catalogue after changing user-facing strings (needs gettext)
messages: install
	$(PY) manage.py makemessages --locale zh_Hans --no-obsolete --add-location file --ignore ".venv" --ignore "var"
	$(PY) manage.py compilemessages --locale zh_Hans --ignore ".venv"

## lock: re-pin every dependency from pyproject.toml
lock: install
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

## bench: every benchmark figure beside its baseline; table on screen, figures in bench/results/latest.json
bench: install bench-tools
	mkdir -p var
	$(PY) -m bench

# What the figures need beyond the venv: wrk for the load figure (6). Installed from Debian's packages when
# this runs as root with apt-get; otherwise said, and figure 6 is reported as skipped with the reason.
bench-tools:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "bench: installing wrk (apt-get install -y wrk)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null || echo "bench: could not install wrk; figure 6 will be skipped"; \
	  else echo "bench: wrk is not installed and cannot be installed here (not root): figure 6 will be skipped"; fi; }

## bench-pg: the same figures on PostgreSQL at national scale (1,000,000 applications; BENCH_DATABASE_URL)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench
bench-pg: install bench-tools
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench --applications 1000000

## mutation: mutation-test the rule modules, score and survivors per module (about an hour; not in `make test`)
## MUTATE=registry/eligibility.py for some modules; docs/mutation.md
MUTATE ?=
mutation: install
	$(PY) scripts/mutation.py $(MUTATE)

## worker: a Celery worker and beat for CELERY_BROKER_URL
worker: install
	$(BIN)/celery -A config worker --beat --loglevel INFO

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache .ruff_cache
