"""The exchange API for partner regions and platforms, version 1: /api/v1/ (docs/decisions/0104).

One NinjaAPI instance; each area is a Router whose `auth` names the scope its operations need. To add one:

    # exchange/endpoints/sync.py
    router = Router(auth=require_scope(Scope.SYNC_READ), tags=["sync"])

    @router.get("", response={200: PageOut, **error_responses(401, 403, 422, 429)},
                operation_id="registrations_changed", url_name="registrations_changed")
    def registrations_changed(request, cursor: str | None = None): ...
        records_returned(request, len(items))      # the access log's record count

    # here
    api.add_router("/registrations", sync_router)

Every error is `{"error": {"code", "message", "details"}}` (exchange/errors.py): raise ApiError. The
schema is served at /api/v1/openapi.json and checked in at docs/api/openapi.json
(`manage.py export_openapi`; tests/exchange/test_openapi.py fails when it is stale).
"""

from ninja import NinjaAPI

from exchange.endpoints.recognitions import router as recognitions_router
from exchange.endpoints.sync import assessments_router, registrations_router
from exchange.endpoints.verify import router as verify_router
from exchange.errors import install_error_handlers

api = NinjaAPI(
    title="Heilongjiang registered metrologist registry: exchange API",
    version="1",
    description=(
        "Verification of registration certificates and submission of partner regions' certificates for "
        "recognition. Authenticate with `Authorization: Bearer <key>`; keys are issued by the Heilongjiang "
        'Metrology Association. Errors: `{"error": {"code", "message", "details"}}`.'
    ),
    urls_namespace="api",
    docs_url=None,  # ninja's docs page loads Swagger UI from a CDN; the schema itself is the documentation
)
install_error_handlers(api)

api.add_router("/certificates", verify_router)
api.add_router("/recognitions", recognitions_router)
api.add_router("/registrations", registrations_router)
api.add_router("/assessment-certificates", assessments_router)
