"""An enterprise clerk downloads a certificate from the portal: the file is signed by the association
(valid against the tests' CA, intact, also to `pyhanko sign validate`) and carries its e-licence
identifier; revoking it later changes what the portal says beside the download, never the signed file."""

import pytest

from accounts.roles import Role
from registry.elicence import elicence_identifier
from registry.models import RegistrationCertificate
from registry.services import applications as services
from registry.services.certificates import certificate_revoke
from registry.signing import signing_identity
from tests.e2e.conftest import login
from tests.factories import ApplicationFactory, EmployerFactory, MetrologyProjectFactory, UserFactory
from tests.pdf_signatures import elicence_xmp, pyhanko_cli_verdict, signature_status

pytestmark = pytest.mark.django_db(transaction=True)


def _download(page) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name="下载注册证（PDF）").click()
    return download.value.path().read_bytes()


def test_the_downloaded_certificate_is_signed_and_stays_as_signed_after_revocation(
    page, signing_ca_dir, tmp_path
):
    employer = EmployerFactory(name="佳木斯计量仪器有限公司")
    UserFactory(username="jms_clerk", role=Role.ENTERPRISE, employer=employer)
    application = ApplicationFactory(
        approved=True, employer=employer, projects=[MetrologyProjectFactory(code="0101", name="量块检定")]
    )
    services.application_issue(application=application, by=UserFactory(username="issuer"))
    certificate = RegistrationCertificate.objects.get(application=application)

    login(page, "jms_clerk")
    page.goto(f"/portal/applications/{application.pk}/")
    assert "有效" in page.get_by_test_id("certificate-state").inner_text()
    pdf = _download(page)

    status = signature_status(pdf, signing_ca_dir)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.signing_cert.dump() == signing_identity().certificate.dump()
    assert elicence_xmp(pdf)["identifier"] == elicence_identifier(certificate.number)
    code, summary = pyhanko_cli_verdict(pdf, signing_ca_dir, tmp_path)  # as a bank clerk would check it
    assert (code, summary.endswith(":VALID")) == (0, True)

    certificate_revoke(certificate=certificate, by=UserFactory(username="revoker"), reason="涂改")
    page.reload()
    assert "已撤销" in page.get_by_test_id("certificate-state").inner_text()
    assert _download(page) == pdf  # the signed file is never rewritten
