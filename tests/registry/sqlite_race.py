"""Two staff approve one application at the same moment, on a SQLite *file* database: run as a script.

    python -m tests.registry.sqlite_race DB_FILE {immediate|deferred} [--template FILE]

Run by tests/registry/test_sqlite_race.py in a subprocess, because the test suite's SQLite database is in
memory, where locking does not behave like a file's, and the transaction mode is fixed per connection
from settings at start-up. `immediate` runs with the settings as they are (config/settings/base.py:
`transaction_mode: IMMEDIATE`, a 20 s busy timeout); `deferred` removes the transaction mode (SQLite's
default, what the settings had before), the control that shows the race is real.

Each round makes both staff read the application before either writes: a barrier inside the service,
after its read and before its write, holds the first until the second has read too, or for 2 s if the
second cannot read (under IMMEDIATE it waits for the first's write lock). Rounds go through the real admin
page (two logged-in test clients) and through the service directly. Prints one JSON document.
"""

import html
import json
import logging
import os
import re
import shutil
import sys
import threading
from contextlib import contextmanager, suppress
from pathlib import Path


def _setup(db: Path, mode: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django
    from django.conf import settings

    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    assert options.get("transaction_mode") == "IMMEDIATE", options  # what the project's settings give
    if mode == "deferred":
        del options["transaction_mode"]
    django.setup()


@contextmanager
def _barrier_in_the_service(parties: int = 2):
    """Hold each approval between its read and its write until both have read (or 2 s have passed)."""
    from registry.services import applications

    barrier = threading.Barrier(parties, timeout=2)
    original = applications.application_eligibility_problems

    def after_reading(*args, **kwargs):
        # BrokenBarrierError: the other could not read yet: it waits for our write lock (IMMEDIATE).
        with suppress(threading.BrokenBarrierError):
            barrier.wait()
        return original(*args, **kwargs)

    applications.application_eligibility_problems = after_reading
    try:
        yield
    finally:
        applications.application_eligibility_problems = original


_MESSAGE_RE = re.compile(r'<li class="(?:success|error|warning|info)">(.*?)</li>', re.S)


class _ServerErrors(logging.Handler):
    """What Django logs for a 500 (logger django.request), by the thread that handled the request."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.by_thread: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            self.by_thread[record.threadName] = f"{type(error).__name__}: {error}"


def _together(*calls):
    from django.db import connections

    outcomes: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i, call):
        try:
            start.wait()
            outcomes[i] = call()
        except Exception as error:
            outcomes[i] = {"exception": f"{type(error).__name__}: {error}"}
        finally:
            connections.close_all()

    errors = _ServerErrors()
    logging.getLogger("django.request").addHandler(errors)
    threads = [threading.Thread(target=run, args=(i, c), name=f"staff-{i}") for i, c in enumerate(calls)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        logging.getLogger("django.request").removeHandler(errors)
    for i, thread in enumerate(threads):
        if thread.name in errors.by_thread:
            outcomes[i]["server_error"] = errors.by_thread[thread.name]
    return outcomes


def _round(kind: str, reviewers, clients) -> dict:
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from accounts.roles import Role
    from registry.models import Application, AuditEntry
    from registry.services.applications import application_accept, application_approve
    from tests.factories import UserFactory
    from tests.registry.conftest import ready_rename_application

    application = ready_rename_application(submitted=True)
    application_accept(application=application, by=UserFactory(role=Role.ASSOCIATION))

    def by_admin(client):
        """What the member of staff sees: the answer to the button, then the page it leads to. (Read
        from the HTML: the test client's `context` and exceptions come through signals shared by all
        threads, so they would mix the two requests up.)"""
        url = reverse("admin:registry_application_transition", args=[application.pk, "approve"])
        response = client.post(url, {})
        outcome: dict = {"status": response.status_code}
        if response.status_code == 302:
            page = client.get(response["Location"])
            outcome["page"] = page.status_code
            outcome["messages"] = [html.unescape(m) for m in _MESSAGE_RE.findall(page.content.decode())]
        return outcome

    def by_service(user):
        try:
            application_approve(application=Application(pk=application.pk), by=user)
        except ValidationError as error:
            return {"refused": error.code, "messages": error.messages}
        return {"done": True}

    if kind == "admin":
        calls = [lambda c=c: by_admin(c) for c in clients]
    else:
        calls = [lambda u=u: by_service(u) for u in reviewers]
    with _barrier_in_the_service():
        outcomes = _together(*calls)
    application.refresh_from_db()
    return {
        "kind": kind,
        "outcomes": outcomes,
        "state": application.state,
        "approvals": AuditEntry.objects.filter(application=application, transition="approve").count(),
    }


def race(kinds=("admin", "service")) -> list[dict]:
    """One round per kind, each on a fresh accepted application, between the same two members of staff.
    Needs the database set up (the script migrates a file; pytest's PostgreSQL run has its test database)."""
    import time_machine
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client

    from tests.otp import verified_by_second_factor

    user_logged_in.connect(verified_by_second_factor)

    from accounts.roles import Role
    from tests.factories import UserFactory
    from tests.registry.conftest import MONDAY, at

    with time_machine.travel(at(MONDAY), tick=True):
        reviewers = [UserFactory(role=Role.ASSOCIATION) for _ in range(2)]
        clients = []
        for reviewer in reviewers:
            client = Client(raise_request_exception=False)  # a 500 is an answer, as in production
            client.force_login(reviewer)
            clients.append(client)
        return [_round(kind, reviewers, clients) for kind in kinds]


def main(argv: list[str]) -> None:
    db, mode = Path(argv[0]), argv[1]
    template = Path(argv[3]) if len(argv) > 3 and argv[2] == "--template" else None
    if template is not None and template.exists():
        shutil.copy(template, db)
    _setup(db, mode)

    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    if template is None or not template.exists():
        call_command("migrate", verbosity=0)
        if template is not None:
            shutil.copy(db, template)
    setup_test_environment()  # locmem e-mail, as in the test suite
    json.dump({"mode": mode, "rounds": race()}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
