"""GET /api/v1/registrations/changes and /api/v1/assessment-certificates/changes (scope sync:read).

Incremental sync through the change feeds (registry.CertificateChange, exams.AssessmentCertificateChange):
the first call has no cursor and starts at the beginning; each answer gives `next_cursor`, which the
client stores *after* processing the page and sends next time. The feeds are numbered in commit order
(common/changefeed.py), so no change is lost or repeated across pages while new ones arrive, and a page
is a keyset query (constant time at any depth, constant queries at any limit).

The cursor is opaque to clients: `v1.` and the base64url of the last sequence seen. A cursor that is not
one of ours is 400 `invalid_cursor`, never a guess. sync:read is the scope for a partner registry that
keeps its own copy, so the holder's name goes out in full; the resident ID number always masked.
"""

import base64
import binascii
import datetime as dt
import re

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from exams.selectors import assessment_changes_after
from exchange.auth import records_returned, require_scope
from exchange.errors import ApiError, error_responses
from exchange.models import Scope
from registry.selectors import registration_changes_after

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_CURSOR_PREFIX = "v1."
_SEQUENCE = re.compile(r"[1-9][0-9]{0,18}")
_BIGINT_MAX = 2**63 - 1


def cursor_encode(sequence: int) -> str:
    """The opaque cursor after `sequence` (empty before the first change)."""
    if sequence <= 0:
        return ""
    return _CURSOR_PREFIX + base64.urlsafe_b64encode(str(sequence).encode()).decode().rstrip("=")


def cursor_decode(cursor: str | None) -> int:
    """The sequence a cursor stands for: 0 for none; ApiError 400 `invalid_cursor` for anything else."""
    if not cursor:
        return 0
    invalid = ApiError(
        400,
        "invalid_cursor",
        _("The cursor is not one this API gave; start again without a cursor or use the last one given."),
        details=[{"field": "cursor", "type": "invalid_cursor"}],
    )
    if not cursor.startswith(_CURSOR_PREFIX) or len(cursor) > 40:
        raise invalid
    body = cursor[len(_CURSOR_PREFIX) :]
    try:
        decoded = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        raise invalid from None
    if (
        not _SEQUENCE.fullmatch(decoded)
        or int(decoded) > _BIGINT_MAX
        or cursor_encode(int(decoded)) != cursor
    ):
        raise invalid
    return int(decoded)


class RegistrationChangeOut(Schema):
    sequence: int = Field(description="Position in the feed; increases in commit order")
    kind: str = Field(
        description="issued, changed, renewed, superseded, cancelled, revoked, expired, lapsed, "
        "suspended or reinstated"
    )
    at: dt.datetime
    number: str
    elicence_identifier: str
    level: int
    state: str = Field(description="The certificate's state now (valid, superseded, revoked, …)")
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date
    ended_on: dt.date | None
    holder_name: str
    holder_id_number_masked: str
    employer_name: str = Field(description="The employer as printed on the certificate")
    employer_credit_code: str
    project_codes: list[str]


class AssessmentChangeOut(Schema):
    sequence: int = Field(description="Position in the feed; increases in commit order")
    kind: str = Field(description="issued or revoked")
    at: dt.datetime
    number: str
    issuer: str
    state: str = Field(description="valid or revoked (now)")
    issued_on: dt.date
    valid_until: dt.date | None
    revoked_at: dt.datetime | None
    holder_name: str
    holder_id_number_masked: str
    project_codes: list[str]


class RegistrationChangesOut(Schema):
    items: list[RegistrationChangeOut]
    next_cursor: str = Field(description="Store it after processing this page; send it next time")
    has_more: bool


class AssessmentChangesOut(Schema):
    items: list[AssessmentChangeOut]
    next_cursor: str = Field(description="Store it after processing this page; send it next time")
    has_more: bool


_CURSOR = Query(None, max_length=40, description="next_cursor of the previous page; empty for the first")
_LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Changes per page (1–1000)")


_PARAMETERS = frozenset({"cursor", "limit"})


def _page(request: HttpRequest, selector, cursor: str | None, limit: int) -> dict:
    # A misspelt `cursor` must not silently restart a partner's sync from the beginning.
    unknown = sorted(set(request.GET) - _PARAMETERS)
    if unknown:
        raise ApiError(
            400,
            "invalid_parameters",
            _("Unknown parameters; this operation takes only cursor and limit."),
            details=[{"field": name[:40], "type": "unknown_parameter"} for name in unknown[:10]],
        )
    after = cursor_decode(cursor)
    rows = selector(after=after, limit=limit + 1)
    items, has_more = rows[:limit], len(rows) > limit
    records_returned(request, len(items))
    last = items[-1]["sequence"] if items else after
    return {"items": items, "next_cursor": cursor_encode(last), "has_more": has_more}


registrations_router = Router(auth=require_scope(Scope.SYNC_READ), tags=["sync"])
assessments_router = Router(auth=require_scope(Scope.SYNC_READ), tags=["sync"])


@registrations_router.get(
    "/changes",
    response={200: RegistrationChangesOut, **error_responses(400, 401, 403, 422, 429)},
    operation_id="registrations_changed",
    url_name="registrations_changed",
    summary="Registration certificates changed since a cursor",
)
def registrations_changed(request: HttpRequest, cursor: str | None = _CURSOR, limit: int = _LIMIT):
    """Issued, changed, renewed, superseded, cancelled, revoked, expired, lapsed, suspended, reinstated."""
    return _page(request, registration_changes_after, cursor, limit)


@assessments_router.get(
    "/changes",
    response={200: AssessmentChangesOut, **error_responses(400, 401, 403, 422, 429)},
    operation_id="assessment_certificates_changed",
    url_name="assessment_certificates_changed",
    summary="Assessment certificates issued or revoked since a cursor",
)
def assessment_certificates_changed(request: HttpRequest, cursor: str | None = _CURSOR, limit: int = _LIMIT):
    """Certificates of metrology project assessment issued here (not recognised ones)."""
    return _page(request, assessment_changes_after, cursor, limit)
