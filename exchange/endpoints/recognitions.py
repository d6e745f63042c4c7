"""POST /api/v1/recognitions and GET /api/v1/recognitions/{id} (scope recognition:write).

A partner submits one certificate at a time; it lands pending, and staff accept or reject it in the admin
(exchange/services.py). Submitting the same reference again is safe: 200 with the first submission when
the content is the same, 409 when it differs. A partner sees only its own submissions: another partner's
id answers 404, exactly like an id that does not exist.
"""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from exchange import selectors, services
from exchange.auth import records_returned, require_scope
from exchange.errors import ApiError, error_responses
from exchange.models import ApiKey, InboundCertificate, Scope
from exchange.schemas import RecognitionIn, RecognitionOut

router = Router(auth=require_scope(Scope.RECOGNITION_WRITE), tags=["recognitions"])


def recognition_out(inbound: InboundCertificate) -> dict:
    return {
        "id": inbound.pk,
        "reference": inbound.reference,
        "kind": inbound.kind,
        "state": inbound.state,
        "state_label": str(inbound.get_state_display()),
        "holder_name": inbound.holder_name,
        "holder_id_number_masked": inbound.masked_holder_id_number,
        "number": inbound.number,
        "region": inbound.region,
        "issued_on": inbound.issued_on,
        "valid_until": inbound.valid_until,
        "projects": list(inbound.projects),
        "submitted_at": inbound.submitted_at,
        "reviewed_at": inbound.reviewed_at,
        "reason": inbound.reason,
    }


@router.post(
    "",
    response={200: RecognitionOut, 201: RecognitionOut, **error_responses(400, 401, 403, 409, 422, 429)},
    operation_id="recognition_submit",
    url_name="recognition_submit",
    summary="Submit a certificate for recognition",
)
def recognition_submit(request: HttpRequest, payload: RecognitionIn):
    """201 when new; 200 when this reference was already submitted with the same content."""
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    try:
        data = services.inbound_clean(**payload.dict(), today=timezone.localdate())
        inbound, created = services.inbound_submit(partner=key.partner, data=data)
    except services.InboundInvalid as invalid:
        raise ApiError(
            400,
            "invalid_submission",
            _("The submission was not accepted; see details."),
            details=[{"field": name, "messages": messages} for name, messages in invalid.errors.items()],
        ) from invalid
    except services.InboundConflict as conflict:
        raise ApiError(
            409,
            "reference_conflict",
            _("This reference was already submitted with different content; use a new reference."),
            details={"id": conflict.existing.pk},
        ) from conflict
    records_returned(request, 1)
    return Status(201 if created else 200, recognition_out(inbound))


@router.get(
    "/{int:recognition_id}",
    response={200: RecognitionOut, **error_responses(401, 403, 404, 422, 429)},
    operation_id="recognition_read",
    url_name="recognition_read",
    summary="Read a submitted certificate and its review",
)
def recognition_read(request: HttpRequest, recognition_id: int):
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    inbound = selectors.inbound_of_partner(partner=key.partner, pk=recognition_id)
    if inbound is None:
        raise ApiError(404, "not_found", _("There is no such record or address."))
    records_returned(request, 1)
    return recognition_out(inbound)
