"""Writes of the exchange API: keys issued and revoked, submissions received and decided.

Every write that matters is here, in a transaction, with its audit row. A submission is checked whole
before anything is written (`inbound_clean`), so bad input writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from common import text
from exams.models import MetrologyProject, RecognisedCertificate
from exams.services import same_name
from exchange.keys import api_key_hash, api_key_new
from exchange.models import ApiKey, InboundCertificate, Partner
from people.models import Person
from people.validators import normalize_resident_id, validate_resident_id
from pii.crypto import blind_index

# last_used_at is refreshed at most this often (seconds): not one write per call.
TOUCH_INTERVAL = 60
EARLIEST_ISSUE = dt.date(1950, 1, 1)
MAX_PROJECTS = 50


# --- keys ------------------------------------------------------------------------------------------------
@transaction.atomic
def api_key_issue(*, partner: Partner, label: str, expires_at: dt.datetime, by: User) -> tuple[ApiKey, str]:
    """A new key for `partner`: returns the row and the key itself, which is never stored nor shown again."""
    key_id, secret = api_key_new()
    key = ApiKey.objects.create(
        partner=partner,
        label=label,
        prefix=key_id,
        secret_hash=api_key_hash(secret),
        expires_at=expires_at,
        created_by=by,
    )
    audit_log(
        action=Action.API_KEY_ISSUED,
        actor=by,
        target=key,
        detail={"partner": partner.pk, "key_id": key_id, "expires_at": expires_at.isoformat()},
    )
    return key, secret


@transaction.atomic
def api_key_revoke(*, key: ApiKey, by: User) -> bool:
    """Revoke `key` at once; False when it already was (nothing written)."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        return False
    key.revoked_at = timezone.now()
    key.revoked_by = by
    key.save(update_fields=["revoked_at", "revoked_by"])
    audit_log(action=Action.API_KEY_REVOKED, actor=by, target=key, detail={"key_id": key.prefix})
    return True


def api_key_touch(*, key: ApiKey) -> None:
    """Note that `key` was used now (at most once a minute per key: a single UPDATE, no lock)."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() >= TOUCH_INTERVAL:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


# --- submissions ----------------------------------------------------------------------------------------
class InboundInvalid(Exception):
    """The submission is refused; `errors` maps each field to its messages (Chinese)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid submission")
        self.errors = errors


class InboundConflict(Exception):
    """The partner already submitted this reference with other content."""

    def __init__(self, existing: InboundCertificate) -> None:
        super().__init__("reference already used")
        self.existing = existing


class InboundNotAcceptable(Exception):
    """Staff cannot accept this submission now; `message` says why (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class InboundData:
    """A submission as checked: normalised values, ready to store and to compare."""

    reference: str
    kind: str
    holder_name: str
    holder_id_number: str
    number: str
    issuing_authority: str
    region: str
    issued_on: dt.date
    valid_until: dt.date | None
    projects: list[str] = field(default_factory=list)

    def digest(self) -> str:
        values = asdict(self)
        values["issued_on"] = self.issued_on.isoformat()
        values["valid_until"] = self.valid_until.isoformat() if self.valid_until else None
        return blind_index(json.dumps(values, sort_keys=True, ensure_ascii=False), purpose="exchange-inbound")


def _text(errors: dict[str, list[str]], name: str, value: str, *, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(name, []).append(_("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(name, []).append(
            _("At most %(count)d characters.") % {"count": max_length},
        )
    elif problem := text.text_problem(value):
        errors.setdefault(name, []).append(problem)
    return value


def inbound_clean(
    *,
    reference: str,
    kind: str,
    holder_name: str,
    holder_id_number: str,
    number: str,
    issuing_authority: str,
    region: str,
    issued_on: dt.date,
    valid_until: dt.date | None,
    projects: list[str],
    today: dt.date,
) -> InboundData:
    """Check a submission whole and return it normalised, or raise InboundInvalid listing every problem.

    Codes (reference, ID number, certificate number, project codes) are NFKC-normalised
    (common.text.normalize_code: full-width digits become ASCII); names and authorities are free text,
    checked for invisible characters and formulas but never rewritten.
    """
    errors: dict[str, list[str]] = {}
    reference = _text(errors, "reference", text.normalize_code(reference), max_length=64)
    holder_name = _text(errors, "holder_name", holder_name, max_length=50)
    number = _text(errors, "number", text.normalize_code(number).upper(), max_length=60)
    issuing_authority = _text(errors, "issuing_authority", issuing_authority, max_length=200)
    id_number = normalize_resident_id(text.normalize_code(holder_id_number))
    try:
        validate_resident_id(id_number)
    except ValidationError as error:
        errors.setdefault("holder_id_number", []).extend(str(message) for message in error.messages)
    if kind not in InboundCertificate.Kind.values:
        errors.setdefault("kind", []).append(_("Unknown kind of certificate."))
    if region not in RecognisedCertificate.Region.values:
        errors.setdefault("region", []).append(_("This region is not a recognised partner region."))
    if issued_on > today:
        errors.setdefault("issued_on", []).append(_("The issue date is in the future."))
    elif issued_on < EARLIEST_ISSUE:
        errors.setdefault("issued_on", []).append(_("The issue date is too early."))
    if valid_until is not None and valid_until < issued_on:
        errors.setdefault("valid_until", []).append(_("The end of validity is before the issue date."))
    codes = sorted({text.normalize_code(code).upper() for code in projects})
    if not codes:
        errors.setdefault("projects", []).append(_("Name at least one metrology project."))
    elif len(codes) > MAX_PROJECTS or any(len(code) > 20 or not code.isprintable() for code in codes):
        errors.setdefault("projects", []).append(_("Unknown metrology project codes."))
    else:
        known = set(MetrologyProject.objects.filter(code__in=codes).values_list("code", flat=True))
        if unknown := [code for code in codes if code not in known]:
            errors.setdefault("projects", []).append(
                _("Unknown metrology project codes: %(codes)s") % {"codes": ", ".join(unknown)}
            )
    if errors:
        raise InboundInvalid(errors)
    return InboundData(
        reference=reference,
        kind=kind,
        holder_name=holder_name,
        holder_id_number=id_number,
        number=number,
        issuing_authority=issuing_authority,
        region=region,
        issued_on=issued_on,
        valid_until=valid_until,
        projects=codes,
    )


def inbound_submit(*, partner: Partner, data: InboundData) -> tuple[InboundCertificate, bool]:
    """Store a checked submission, pending review. Returns (row, created).

    The same reference again with the same content returns the first row (created False): a partner
    retrying after a timeout does not duplicate it. The same reference with other content raises
    InboundConflict: a correction is a new reference, never a silent overwrite of what staff may be
    reviewing. Two identical submissions racing each other end the same way (the unique constraint decides).
    """
    digest = data.digest()
    existing = InboundCertificate.objects.filter(partner=partner, reference=data.reference).first()
    if existing is None:
        try:
            with transaction.atomic():
                return InboundCertificate.objects.create(
                    partner=partner, content_digest=digest, **asdict(data)
                ), True
        except IntegrityError:
            existing = InboundCertificate.objects.get(partner=partner, reference=data.reference)
    if existing.content_digest != digest:
        raise InboundConflict(existing)
    return existing, False


@transaction.atomic
def inbound_accept(*, inbound: InboundCertificate, by: User) -> RecognisedCertificate:
    """Accept a pending submission: the person's RecognisedCertificate is created (or the existing one of
    the same region and number, if it is the same person's, is linked) and counts from now.

    Only for a person already on record (found by the exact resident ID number, with the same name): a
    submission does not create people, whose records come from applications and assessments here.
    """
    inbound = InboundCertificate.objects.select_for_update().get(pk=inbound.pk)
    if inbound.state != InboundCertificate.State.PENDING:
        raise InboundNotAcceptable(_("This submission has already been decided."))
    person = Person.objects.with_id_number(inbound.holder_id_number).first()
    if person is None:
        raise InboundNotAcceptable(
            _(
                "No person with this resident ID number is on record. Add the person first (or wait "
                "until they apply or take an assessment here), then accept."
            )
        )
    if not same_name(person.name, inbound.holder_name):
        raise InboundNotAcceptable(
            _("The name on record for this resident ID number differs from the submitted name.")
        )
    projects = list(MetrologyProject.objects.filter(code__in=inbound.projects))
    if len(projects) != len(inbound.projects):
        raise InboundNotAcceptable(_("A metrology project of this submission is no longer in the catalogue."))
    recognised = (
        RecognisedCertificate.objects.select_for_update()
        .filter(region=inbound.region, original_number=inbound.number)
        .first()
    )
    now = timezone.now()
    if recognised is not None and recognised.person_id != person.pk:
        raise InboundNotAcceptable(
            _("A recognised certificate with this region and number is on record for another person.")
        )
    if recognised is None:
        recognised = RecognisedCertificate.objects.create(
            person=person,
            region=inbound.region,
            kind=(
                RecognisedCertificate.Kind.VERIFIER
                if inbound.kind == InboundCertificate.Kind.VERIFIER
                else RecognisedCertificate.Kind.ASSESSMENT
            ),
            issuing_authority=inbound.issuing_authority,
            original_number=inbound.number,
            issued_on=inbound.issued_on,
            valid_until=inbound.valid_until,
            checked_by=by,
            checked_at=now,
        )
        recognised.projects.set(projects)
    inbound.state = InboundCertificate.State.ACCEPTED
    inbound.reviewed_by = by
    inbound.reviewed_at = now
    inbound.recognised = recognised
    inbound.save(update_fields=["state", "reviewed_by", "reviewed_at", "recognised"])
    audit_log(
        action=Action.RECOGNITION_DECIDED,
        actor=by,
        target=inbound,
        detail={"decision": "accepted", "recognised_certificate": recognised.pk},
    )
    return recognised


@transaction.atomic
def inbound_reject(*, inbound: InboundCertificate, reason: str, by: User) -> None:
    """Reject a pending submission with a reason the partner reads (GET /api/v1/recognitions/{id})."""
    reason = (reason or "").strip()
    if not reason:
        raise InboundNotAcceptable(_("Give the reason for the rejection."))
    if problem := text.text_problem(reason, multiline=True, formula=False):
        raise InboundNotAcceptable(problem)
    inbound = InboundCertificate.objects.select_for_update().get(pk=inbound.pk)
    if inbound.state != InboundCertificate.State.PENDING:
        raise InboundNotAcceptable(_("This submission has already been decided."))
    inbound.state = InboundCertificate.State.REJECTED
    inbound.reviewed_by = by
    inbound.reviewed_at = timezone.now()
    inbound.reason = reason
    inbound.save(update_fields=["state", "reviewed_by", "reviewed_at", "reason"])
    audit_log(action=Action.RECOGNITION_DECIDED, actor=by, target=inbound, detail={"decision": "rejected"})
