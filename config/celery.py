"""The Celery application. Settings come from Django's, under the CELERY_ prefix.

`common.queue.enqueue` is the one way application code hands a task to the broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping")
def ping() -> str:
    """Liveness check for operators (`celery -A config call config.ping`) and the worker test."""
    return "pong"
