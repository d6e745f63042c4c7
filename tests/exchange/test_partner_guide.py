"""docs/partner-api.md cannot rot: every curl example in it runs against a live test server, in order,
with a real key, and must give the status (and error code) the guide promises beside it.

The guide's examples use $BASE and $API_KEY as a partner would; $CURSOR and $RECOGNITION_ID are taken from
the answers of the examples before them (the last `next_cursor`, the last submission's `id`).
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine

from exchange.models import Scope
from registry.models import RegistrationCertificate
from registry.services import applications as services
from tests.factories import ApplicationFactory, MetrologyProjectFactory, PersonFactory
from tests.factories.exchange import issued_key
from tests.registry.conftest import MONDAY, at

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "partner-api.md"
_EXAMPLE = re.compile(
    r"```sh\n(?P<command>curl .*?)\n```\s*\n"
    r"预期：HTTP (?P<status>\d{3})(?:，`error\.code` 为 `(?P<code>\w+)`)?",
    re.DOTALL,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed"),
]


def examples() -> list[dict]:
    return [m.groupdict() for m in _EXAMPLE.finditer(GUIDE.read_text(encoding="utf-8"))]


def test_the_guide_has_an_expectation_for_every_curl_example():
    text = GUIDE.read_text(encoding="utf-8")
    assert text.count("```sh\ncurl ") == len(examples()) >= 10


def test_every_curl_example_in_the_guide_answers_as_documented(live_server, association_user):
    with time_machine.travel(at(MONDAY), tick=False):  # the guide's certificate: HLJ-ZC2-2026-00001
        MetrologyProjectFactory(code="12.001")
        application = ApplicationFactory(approved=True, person=PersonFactory(name="张伟"))
        services.application_issue(application=application, by=association_user)
    assert RegistrationCertificate.objects.get().number == "HLJ-ZC2-2026-00001"
    _key, secret = issued_key(partner__scopes=[s.value for s in Scope])

    env = {"PATH": os.environ["PATH"], "BASE": live_server.url, "API_KEY": secret}
    outcomes = []
    for example in examples():
        done = subprocess.run(
            ["bash", "-c", example["command"] + " -o /dev/stdout -w '\\n%{http_code}'"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        body, _newline, status = done.stdout.rpartition("\n")
        answer = json.loads(body) if body.strip() else {}
        got = (status, (answer.get("error") or {}).get("code"))
        outcomes.append((example["command"].splitlines()[0], got, (example["status"], example["code"])))
        if "next_cursor" in answer:
            env["CURSOR"] = answer["next_cursor"]
        if "id" in answer:
            env["RECOGNITION_ID"] = str(answer["id"])
    mismatches = [(command, got, want) for command, got, want in outcomes if got != want]
    assert not mismatches, mismatches
