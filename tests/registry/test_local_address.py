"""`make run PORT=…` (README "Two commands"): the site address follows the port it serves on, in the login
link seed_demo prints and in the issued certificates' QR codes."""

import io
import shutil
import subprocess
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

from registry.demo import DemoSummary
from registry.models import RegistrationCertificate
from registry.services.certificate_pdfs import (
    certificate_document,
    certificate_document_fingerprint,
    certificate_pdf_generate,
    certificates_pdf_reprint,
)
from tests.factories import RegistrationCertificateFactory

ROOT = Path(__file__).resolve().parents[2]


def _dry_run(*args: str, env: dict | None = None) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    environment = {"PATH": "/usr/bin:/bin", **(env or {})}
    out = subprocess.run(
        ["make", "-n", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout
    wanted = ("manage.py seed_demo", "manage.py runserver")
    return [line for line in out.splitlines() if any(command in line for command in wanted)]


def test_make_run_passes_the_address_it_serves_on_to_seed_demo_and_the_server():
    lines = _dry_run("run", "PORT=8123")
    assert len(lines) == 2
    assert all(line.startswith("SITE_URL='http://127.0.0.1:8123' ") for line in lines), lines
    assert lines[1].endswith("runserver 127.0.0.1:8123")


def test_every_interface_is_reached_as_localhost_and_an_explicit_site_url_wins():
    assert all("SITE_URL='http://127.0.0.1:8000' " in line for line in _dry_run("run", "HOST=0.0.0.0"))
    lines = _dry_run("run", env={"SITE_URL": "http://192.168.1.20:8000"})
    assert all(line.startswith("SITE_URL='http://192.168.1.20:8000' ") for line in lines), lines


@pytest.mark.django_db
def test_seed_demo_prints_the_address_the_server_runs_on(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    summary = DemoSummary(users=[("qiye", "enterprise")], employers=1, people=1)
    out = io.StringIO()
    with (
        mock.patch("registry.management.commands.seed_demo.demo_seed", return_value=summary),
        mock.patch("registry.management.commands.seed_demo.demo_seeded.send", return_value=[]),
    ):
        call_command("seed_demo", force=True, stdout=out)
    assert "Log in at http://127.0.0.1:8123/ with password" in out.getvalue()
    assert "8000" not in out.getvalue()


@pytest.mark.django_db
def test_certificates_printed_for_another_address_are_reprinted_and_only_those(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    moved, failed = RegistrationCertificateFactory(), RegistrationCertificateFactory()
    for certificate in (moved, failed):
        certificate_pdf_generate(certificate_id=certificate.pk)
    RegistrationCertificate.objects.filter(pk=failed.pk).update(pdf_error="missing glyphs")
    assert certificates_pdf_reprint() == 0  # same address: nothing is rewritten

    settings.SITE_URL = "http://127.0.0.1:8124"  # `make run PORT=8124` the next day
    before = {c.pk: c.pdf_fingerprint for c in RegistrationCertificate.objects.all()}
    assert certificates_pdf_reprint() == 1
    moved = RegistrationCertificate.objects.select_related("person", "employer").get(pk=moved.pk)
    document = certificate_document(moved)
    assert document.verification_url.startswith("http://127.0.0.1:8124/verify/")
    assert moved.pdf_fingerprint == certificate_document_fingerprint(document) != before[moved.pk]
    assert RegistrationCertificate.objects.get(pk=failed.pk).pdf_fingerprint == before[failed.pk]
