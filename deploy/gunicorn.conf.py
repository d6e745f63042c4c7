"""gunicorn's settings for the registry's web tier (deploy/systemd/registry-web.service, deploy/stack.sh).

Everything an operator may tune comes from the environment, so one file serves every machine:
REGISTRY_BIND (default 127.0.0.1:8000; nginx proxies to it), REGISTRY_WEB_WORKERS (default 2 × cores + 1),
REGISTRY_WEB_TIMEOUT (seconds a request may take before its worker is restarted; default 60: the largest
spreadsheet import and the yearly report's PDF take a few seconds, never a minute).
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("REGISTRY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("REGISTRY_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
timeout = int(os.environ.get("REGISTRY_WEB_TIMEOUT", "60"))
graceful_timeout = 30  # a restart (deploy, `systemctl reload`) lets running requests finish
max_requests = 2000  # recycle workers now and then: bounded memory over months of uptime
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("REGISTRY_PROXY_ADDRESSES", "127.0.0.1")
# Access lines go to the journal; Django's own logs (JSON in production) carry the request id.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}i)s'
errorlog = "-"
