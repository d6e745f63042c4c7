#!/usr/bin/env bash
# Bring the registry's whole stack up on one Debian machine, from a checkout: PostgreSQL and Redis from
# Debian's packages, gunicorn behind nginx, one Celery worker and the single Celery beat.
#
#   deploy/stack.sh packages   install what is missing from Debian's packages (root)
#   deploy/stack.sh services   start PostgreSQL and Redis if they are down, wait until they answer
#                              (what .ci/run uses before the test suite's service run)
#   deploy/stack.sh up         packages + services + database + venv + env file + migrate + collectstatic,
#                              then start web, worker, beat and nginx, and wait for /readyz
#   deploy/stack.sh down       stop web, worker, beat and nginx (not PostgreSQL or Redis)
#   deploy/stack.sh status     print /readyz
#
# With systemd running (a real server) `up` installs deploy/systemd/*.service under /etc/systemd/system and
# nginx's site under /etc/nginx; without it (a container, a test), or with REGISTRY_MODE=processes, it runs
# the same commands as background processes with pid files under $REGISTRY_HOME/var/run.
# docs/operations.md is the operator's manual; every variable below has a default.
set -euo pipefail

SOURCE=${REGISTRY_SOURCE:-$(cd "$(dirname "$0")/.." && pwd)}   # the checkout to run
HOME_DIR=${REGISTRY_HOME:-/srv/registry}                          # venv, var/ (storage, logs, run)
VENV=${REGISTRY_VENV:-$HOME_DIR/venv}
VAR=$HOME_DIR/var
RUN=$VAR/run
DB=${REGISTRY_DB:-registry}
PG_HOST=${REGISTRY_PG_HOST:-127.0.0.1}
PG_PORT=${REGISTRY_PG_PORT:-5432}
REDIS_DB=${REGISTRY_REDIS_DB:-0}
HTTP_PORT=${REGISTRY_HTTP_PORT:-80}
APP_PORT=${REGISTRY_APP_PORT:-8000}
SERVER_NAME=${REGISTRY_SERVER_NAME:-$(hostname -f 2>/dev/null || hostname)}
if [[ -d /run/systemd/system && ${REGISTRY_MODE:-} != processes ]]; then MODE=systemd; else MODE=processes; fi
if [[ $MODE == systemd ]]; then ENV_FILE=${REGISTRY_ENV_FILE:-/etc/registry/registry.env}
else ENV_FILE=${REGISTRY_ENV_FILE:-$HOME_DIR/registry.env}; fi
PACKAGES=(postgresql redis-server nginx python3-venv fonts-wqy-microhei curl)

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'stack.sh: %s\n' "$*" >&2; exit 1; }

packages() {
  local missing=()
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "missing Debian packages (${missing[*]}): run as root"
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

services() {
  if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    say "starting PostgreSQL"
    if [[ $MODE == systemd ]]; then systemctl start postgresql
    else
      local version
      version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)
      pg_ctlcluster --skip-systemctl-redirect "$version" main start
    fi
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "starting Redis"
    if [[ $MODE == systemd ]]; then systemctl start redis-server
    else
      mkdir -p /var/lib/redis /var/log/redis
      redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/registry.log
    fi
  fi
  for _ in $(seq 60); do
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "PostgreSQL or Redis did not answer within 60 s"
}

secret() { "$VENV/bin/python" -c "import secrets; print(secrets.token_urlsafe($1))"; }

env_file() {
  [[ -f $ENV_FILE ]] && return 0
  say "writing $ENV_FILE (fresh secrets; keep a copy of the keys in escrow: README, \"Secrets\")"
  mkdir -p "$(dirname "$ENV_FILE")"
  local password fernet
  password=$(secret 24)
  fernet=$("$VENV/bin/python" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
  umask 077
  cat >"$ENV_FILE" <<ENV
# Written by deploy/stack.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ). Root-only (0600). README "Configuration".
DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY=$(secret 50)
REGISTRY_AUDIT_CHAIN_KEYS=k$(date +%Y)=$(secret 32)
REGISTRY_FIELD_ENCRYPTION_KEYS=$fernet
REGISTRY_BLIND_INDEX_KEY=$(secret 48)
DATABASE_URL=postgres://$DB:$password@$PG_HOST:$PG_PORT/$DB
CELERY_BROKER_URL=redis://127.0.0.1:6379/$REDIS_DB
CACHE_URL=redis://127.0.0.1:6379/$((REDIS_DB + 1))
ALLOWED_HOSTS=$SERVER_NAME,127.0.0.1,localhost
SITE_URL=http://$SERVER_NAME$([[ $HTTP_PORT == 80 ]] || echo ":$HTTP_PORT")
PRIVATE_STORAGE_ROOT=$VAR/private
STATIC_ROOT=$VAR/staticfiles
REGISTRY_BIND=127.0.0.1:$APP_PORT
# nginx is the one proxy in front: the client's address is the last hop it adds.
REGISTRY_TRUSTED_PROXY_COUNT=1
# Until the association's signing keys are installed (README, "Signing keys": REGISTRY_SIGNING_KEY_FILE,
# REGISTRY_SIGNING_CERT_FILE, REGISTRY_SIGNING_CHAIN_FILE, REGISTRY_QR_SIGNING_KEY_FILE, REGISTRY_QR_SIGNING_KID),
# PDFs and QR codes are signed by a development CA generated here, and "manage.py check --deploy" says so.
REGISTRY_SIGNING_DEV_DIR=$VAR/dev-signing
# Plain HTTP until nginx has the office's TLS certificate (docs/operations.md, "TLS"); then remove both.
SECURE_SSL_REDIRECT=False
SECURE_HSTS_SECONDS=0
ENV
  umask 022
}

env_value() { sed -n "s/^$1=//p" "$ENV_FILE" | tail -1; }

database() {
  local url password
  url=$(env_value DATABASE_URL)
  password=$(sed -E 's#^postgres://[^:]+:([^@]*)@.*#\1#' <<<"$url")
  psql_admin() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -tAq "$@"; }
  if [[ -z $(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB'") ]]; then
    say "creating database role $DB"
    psql_admin -c "CREATE ROLE \"$DB\" LOGIN PASSWORD '$password'"
  fi
  if [[ -z $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
    say "creating database $DB"
    psql_admin -c "CREATE DATABASE \"$DB\" OWNER \"$DB\""
  fi
}

venv() {
  [[ -x $VENV/bin/gunicorn ]] && return 0
  say "creating $VENV (requirements.lock)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet -r "$SOURCE/requirements.lock"
}

# shellcheck source=/dev/null
manage() { (cd "$SOURCE" && set -a && . "$ENV_FILE" && set +a && "$VENV/bin/python" manage.py "$@"); }

start_process() {  # name, command...: a background process with a pid file and a log, environment from the file
  local name=$1; shift
  if [[ -f $RUN/$name.pid ]] && kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null; then return 0; fi
  # shellcheck source=/dev/null
  (cd "$SOURCE" && set -a && . "$ENV_FILE" && set +a && exec setsid "$@" >>"$VAR/log/$name.log" 2>&1 </dev/null) &
  echo $! >"$RUN/$name.pid"
}

nginx_site() {
  sed -e "s#@LISTEN@#$HTTP_PORT#" -e "s#@SERVER_NAME@#$SERVER_NAME#" -e "s#@UPSTREAM@#127.0.0.1:$APP_PORT#" \
    "$SOURCE/deploy/nginx/registry.conf"
}

start_systemd() {
  id registry >/dev/null 2>&1 || useradd --system --home-dir "$HOME_DIR" --shell /usr/sbin/nologin registry
  chown -R registry:registry "$VAR"
  for unit in "$SOURCE"/deploy/systemd/*; do
    sed -e "s#/srv/registry/app#$SOURCE#g" -e "s#/srv/registry/venv#$VENV#g" -e "s#/srv/registry/var#$VAR#g" \
      -e "s#/etc/registry/registry.env#$ENV_FILE#g" "$unit" >"/etc/systemd/system/$(basename "$unit")"
  done
  systemctl daemon-reload
  systemctl enable --now registry.target
  nginx_site >/etc/nginx/sites-available/registry
  ln -sf /etc/nginx/sites-available/registry /etc/nginx/sites-enabled/registry
  nginx -t && systemctl reload-or-restart nginx
}

start_processes() {
  start_process web "$VENV/bin/gunicorn" --config deploy/gunicorn.conf.py
  start_process worker "$VENV/bin/celery" -A config worker --loglevel INFO --concurrency 2 \
    --hostname "worker-$DB@%h"
  start_process beat "$VENV/bin/celery" -A config beat --loglevel INFO --schedule "$VAR/celerybeat-schedule"
  mkdir -p "$RUN/nginx"
  nginx_site >"$RUN/nginx/site.conf"
  cat >"$RUN/nginx/nginx.conf" <<CONF
pid $RUN/nginx.pid;
error_log $VAR/log/nginx-error.log;
events { worker_connections 256; }
http {
    access_log $VAR/log/nginx-access.log;
    client_body_temp_path $RUN/nginx/body;
    proxy_temp_path $RUN/nginx/proxy;
    fastcgi_temp_path $RUN/nginx/fastcgi;
    uwsgi_temp_path $RUN/nginx/uwsgi;
    scgi_temp_path $RUN/nginx/scgi;
    include $RUN/nginx/site.conf;
}
CONF
  if ! { [[ -f $RUN/nginx.pid ]] && kill -0 "$(cat "$RUN/nginx.pid")" 2>/dev/null; }; then
    nginx -c "$RUN/nginx/nginx.conf"
  fi
}

readyz() { curl -sS --max-time 10 "http://127.0.0.1:$HTTP_PORT/readyz" -H "Host: $SERVER_NAME"; }

wait_ready() {
  local body=""
  for _ in $(seq "${REGISTRY_READY_SECONDS:-150}"); do
    if body=$(curl -sS -f --max-time 5 "http://127.0.0.1:$HTTP_PORT/readyz" -H "Host: $SERVER_NAME" 2>/dev/null); then
      printf '%s\n' "$body"
      return 0
    fi
    sleep 1
  done
  readyz || true
  die "/readyz did not report ready; logs in $VAR/log (processes) or journalctl -u 'registry-*' (systemd)"
}

up() {
  packages
  services
  mkdir -p "$VAR/private" "$VAR/log" "$RUN"
  venv
  env_file
  database
  say "migrating"
  manage migrate --noinput
  manage collectstatic --noinput --verbosity 0
  say "starting web, worker, beat and nginx ($MODE)"
  if [[ $MODE == systemd ]]; then start_systemd; else start_processes; fi
  wait_ready
}

down() {
  if [[ $MODE == systemd ]]; then systemctl stop registry.target; return 0; fi
  if [[ -f $RUN/nginx.pid ]]; then nginx -c "$RUN/nginx/nginx.conf" -s stop 2>/dev/null || true; fi
  for name in beat worker web; do
    if [[ -f $RUN/$name.pid ]]; then
      kill -TERM -- "-$(cat "$RUN/$name.pid")" 2>/dev/null || kill -TERM "$(cat "$RUN/$name.pid")" 2>/dev/null || true
      rm -f "$RUN/$name.pid"
    fi
  done
}

(($#)) || set -- up
for command in "$@"; do
  case $command in
    packages | services | up | down) "$command" ;;
    status) readyz; echo ;;
    *) die "unknown command $command (packages, services, up, down, status)" ;;
  esac
done
