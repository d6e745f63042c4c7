"""Certificate PDF downloads: the enterprise portal's, scoped to the user's own employer.

(The staff download is in the admin: registry/admin/certificate.py.) The file is served from private
storage; a missing or stale PDF is generated on the spot, so a download never waits for a worker.
"""

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.permissions import role_required
from accounts.roles import Role
from people import selectors as people_selectors
from registry import selectors
from registry.models import RegistrationCertificate
from registry.services.certificate_pdfs import certificate_pdf_current
from registry.services.downloads import certificate_pdf_downloaded


def certificate_pdf_response(request: HttpRequest, certificate: RegistrationCertificate) -> FileResponse:
    """The current PDF of `certificate` as a download named after its number; the download is audited."""
    current = certificate_pdf_current(certificate_id=certificate.pk)
    if not current.pdf:
        raise Http404  # could not be generated (recorded on the certificate, staff were told)
    handle = current.pdf.open("rb")
    certificate_pdf_downloaded(certificate=current, by=request.user)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{current.number}.pdf",
        content_type="application/pdf",
    )


@role_required(Role.ENTERPRISE)
def portal_certificate_pdf(request, pk: int):
    employer = people_selectors.employer_of(user=request.user)
    if employer is None:
        raise Http404
    certificate = get_object_or_404(selectors.certificates_of_employer(employer=employer), pk=pk)
    return certificate_pdf_response(request, certificate)
