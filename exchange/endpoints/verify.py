"""GET /api/v1/certificates/verify: the /verify/ page for programs (scope verify:read).

The same rules as the page (registry/verification.py): by the e-licence identifier, or by the number and
the holder's exact name; a wrong name and an unknown number get the same 404, so the endpoint is no oracle
for valid numbers; the name and resident ID number go out masked only.
"""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from common import text
from exchange.auth import records_returned, require_scope
from exchange.errors import ApiError, error_responses
from exchange.models import Scope
from exchange.schemas import CertificateOut
from exchange.selectors import certificate_by_elicence_identifier
from registry import selectors as registry_selectors
from registry.elicence import certificate_elicence
from registry.eligibility import certificate_renewal_pending
from registry.models import RegistrationCertificate
from registry.verification import mask_name
from registry.workflow import CertificateState

router = Router(auth=require_scope(Scope.VERIFY_READ), tags=["certificates"])


def certificate_out(certificate: RegistrationCertificate) -> dict:
    today = timezone.localdate()
    elicence = certificate_elicence(certificate).as_json()
    elicence["holder_name"] = mask_name(certificate.person.name)
    return {
        "number": certificate.number,
        "state": certificate.state,
        "state_label": str(certificate.get_state_display()),
        "lapse_reason_label": str(certificate.get_lapse_reason_display()) if certificate.lapse_reason else "",
        "renewal_pending": certificate_renewal_pending(certificate, today),
        "not_yet_valid": certificate.state == CertificateState.VALID and certificate.valid_from > today,
        "level": certificate.level,
        "level_label": str(certificate.get_level_display()),
        "holder_name_masked": mask_name(certificate.person.name),
        "holder_id_number_masked": certificate.person.masked_id_number,
        "employer": certificate.employer_name,
        "projects": [
            {"code": p.code, "name": p.name} for p in sorted(certificate.projects.all(), key=lambda p: p.code)
        ],
        "issued_on": certificate.issued_on,
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
        "ended_on": certificate.ended_on,
        "elicence": elicence,
    }


def _not_found() -> ApiError:
    return ApiError(
        404, "not_found", _("No certificate matches. Check the number and the holder's full name.")
    )


@router.get(
    "/verify",
    response={200: CertificateOut, **error_responses(400, 401, 403, 404, 422, 429)},
    operation_id="certificate_verify",
    url_name="certificate_verify",
    summary="Verify a registration certificate",
)
def certificate_verify(
    request: HttpRequest,
    number: str | None = Query(None, max_length=60, description="Certificate number, with holder_name"),
    holder_name: str | None = Query(None, max_length=50, description="The holder's full name"),
    identifier: str | None = Query(None, max_length=120, description="The e-licence identifier"),
):
    """By `identifier`, or by `number` and `holder_name` together."""
    for value in (number, holder_name, identifier):
        if value and text.invisible_characters(value):
            raise ApiError(400, "invalid_parameters", str(text.INVISIBLE_MESSAGE))
    if identifier:
        certificate = certificate_by_elicence_identifier(text.normalize_code(identifier))
    elif number and holder_name:
        certificate = registry_selectors.certificate_by_number_and_name(
            number=text.normalize_code(number), name=holder_name
        )
    else:
        raise ApiError(
            400, "invalid_parameters", _("Give either identifier, or number and holder_name together.")
        )
    if certificate is None:
        raise _not_found()
    records_returned(request, 1)
    return certificate_out(certificate)
