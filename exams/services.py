"""Writes of the assessments. Every result, certificate and check goes through one of these."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_log
from common.changefeed import change_sequences_next
from common.text import text_problem
from people.models import Person
from people.validators import normalize_name, normalize_resident_id, validate_resident_id

from . import rules
from .models import (
    AssessmentCertificate,
    AssessmentCertificateChange,
    AssessmentChangeCounter,
    AssessmentChangeKind,
    AssessmentResult,
    AssessmentSession,
    CertificateNumberCounter,
    MetrologyProject,
    RecognisedCertificate,
    VerifierCertificate,
)

# The authority printed on the certificates the training centre issues.
ISSUER = "黑龙江省市场监督管理人才培养发展中心"


@transaction.atomic
def result_record(
    *,
    session: AssessmentSession,
    person: Person,
    project: MetrologyProject,
    skill_score: Decimal,
    knowledge_score: Decimal,
    by: User,
) -> AssessmentResult:
    """Record one person's scores for a project in a session; `passed` from the rule.

    Recording the same scores again changes nothing. A recorded result with other scores is refused: a
    recorded score changes only through `result_correct`, with a reason, audited.
    """
    result = (
        AssessmentResult.objects.select_for_update()
        .filter(session=session, person=person, project=project)
        .first()
    )
    if result is not None:
        if (result.skill_score, result.knowledge_score) == (skill_score, knowledge_score):
            return result
        raise ValidationError(already_recorded_message(), code="recorded")
    result = AssessmentResult(session=session, person=person, project=project)
    result.skill_score = skill_score
    result.knowledge_score = knowledge_score
    result.full_clean(exclude=["recorded_by"])
    result.passed = rules.passed(result.skill_score, result.knowledge_score)
    result.recorded_by = by
    result.recorded_at = timezone.now()
    result.save()
    return result


def already_recorded_message() -> str:
    return _(
        "This person's result for this project in this session is already recorded with other scores. "
        "A recorded score is changed only by a correction, with its reason, on the result's page."
    )


REASON_MAX_LENGTH = 500


@transaction.atomic
def result_correct(
    *, result: AssessmentResult, skill: Decimal, knowledge: Decimal, reason: str, by: User
) -> AssessmentResult:
    """Correct a recorded result's two scores, giving the reason; pass or fail follows exams.rules again.

    Audited (Action.RESULT_CORRECTED with the old and new scores and the reason). Refused, changing
    nothing, without a reason, with a score the rules do not accept, with unchanged scores, and when the
    result is the basis of an assessment certificate still in force and would no longer pass: that
    certificate must first be revoked, on its own page with its own reason, because it may cover other
    projects too (docs/decisions/0071-assessment-result-corrections.md). A correction that keeps the
    result passed leaves its certificate as it is.
    """
    reason = " ".join((reason or "").split())
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Give the reason for the correction.")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [
            _("The reason may be at most %(max)d characters long.") % {"max": REASON_MAX_LENGTH}
        ]
    for name, value in (("skill", skill), ("knowledge", knowledge)):
        if (error := rules.score_error(Decimal(value))) is not None:
            errors[name] = [error]
    if errors:
        raise ValidationError(errors)

    locked = AssessmentResult.objects.select_for_update().get(pk=result.pk)
    if (locked.skill_score, locked.knowledge_score) == (skill, knowledge):
        raise ValidationError(_("The scores are unchanged: there is nothing to correct."), code="unchanged")
    passed = rules.passed(skill, knowledge)
    certificate = (
        AssessmentCertificate.objects.filter(pk=locked.certificate_id).first()
        if locked.certificate_id
        else None
    )
    if certificate is not None and certificate.revoked_at is None and not passed:
        raise ValidationError(
            _(
                "This result is the basis of assessment certificate %(number)s, which is in force; with "
                "these scores it would no longer be passed. Revoke the certificate first (on its page, with "
                "the reason), then correct the result."
            )
            % {"number": certificate.number},
            code="certified",
        )
    old = {"skill": locked.skill_score, "knowledge": locked.knowledge_score, "passed": locked.passed}
    locked.skill_score, locked.knowledge_score, locked.passed = skill, knowledge, passed
    locked.recorded_by, locked.recorded_at = by, timezone.now()
    locked.save(update_fields=["skill_score", "knowledge_score", "passed", "recorded_by", "recorded_at"])
    audit_log(
        action=Action.RESULT_CORRECTED,
        actor=by,
        target=locked,
        detail={
            "old": old,
            "new": {"skill": skill, "knowledge": knowledge, "passed": passed},
            "reason": reason,
            "certificate": certificate.number if certificate is not None else None,
        },
    )
    return locked


@transaction.atomic
def certificate_numbers_take(*, year: int, count: int) -> list[str]:
    """`count` consecutive new certificate numbers of `year`, e.g. HLJKH-2026-000123.

    Gap-free and unique under concurrency: the year's counter row is locked until the caller's
    transaction ends, and rolled back with it if the certificates are not saved.
    """
    CertificateNumberCounter.objects.bulk_create([CertificateNumberCounter(year=year)], ignore_conflicts=True)
    counter = CertificateNumberCounter.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    prefix = AssessmentCertificate.NUMBER_PREFIX
    return [f"{prefix}-{year}-{n:06d}" for n in range(first, first + count)]


@dataclass
class IssueOutcome:
    certificates: list[AssessmentCertificate] = field(default_factory=list)
    skipped: int = 0  # selected results that were not passed or already certified


@transaction.atomic
def certificates_issue(
    *, results: Iterable[AssessmentResult] | QuerySet, by: User, issued_on: dt.date | None = None
) -> IssueOutcome:
    """Issue one certificate per person, covering that person's given passed, not yet certified results.

    The results are locked first, so two staff issuing for the same results at once cannot both
    certify them: the second finds them certified and skips them. A constant number of queries
    whatever the number of results; one audit event lists the certificates issued.
    """
    issued_on = issued_on or timezone.localdate()
    ids = [r.pk for r in results]
    locked = list(
        AssessmentResult.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("person_id", "project_id")
    )
    eligible = [r for r in locked if r.passed and r.certificate_id is None]
    outcome = IssueOutcome(skipped=len(ids) - len(eligible))
    by_person: dict[int, list[AssessmentResult]] = {}
    for result in eligible:
        by_person.setdefault(result.person_id, []).append(result)
    if not by_person:
        return outcome

    numbers = certificate_numbers_take(year=issued_on.year, count=len(by_person))
    certificates = [
        AssessmentCertificate(
            person_id=person_id, number=number, issued_on=issued_on, issuer=ISSUER, issued_by=by
        )
        for person_id, number in zip(by_person, numbers, strict=True)
    ]
    AssessmentCertificate.objects.bulk_create(certificates)
    Through = AssessmentCertificate.projects.through
    links = []
    for certificate in certificates:
        project_ids = sorted({r.project_id for r in by_person[certificate.person_id]})
        links += [
            Through(assessmentcertificate_id=certificate.pk, metrologyproject_id=p) for p in project_ids
        ]
        for result in by_person[certificate.person_id]:
            result.certificate_id = certificate.pk
    Through.objects.bulk_create(links)
    AssessmentResult.objects.bulk_update(eligible, ["certificate"])
    # The change feed, in this transaction: after the number counter, as always (no deadlock).
    sequences = change_sequences_next(AssessmentChangeCounter, len(certificates))
    AssessmentCertificateChange.objects.bulk_create(
        AssessmentCertificateChange(
            sequence=sequence, certificate=certificate, kind=AssessmentChangeKind.ISSUED
        )
        for sequence, certificate in zip(sequences, certificates, strict=True)
    )
    audit_log(
        action=Action.RECORD_CHANGED,
        actor=by,
        target=AssessmentCertificate,
        detail={
            "operation": "issued",
            "certificates": [c.number for c in certificates],
            "results": len(eligible),
        },
    )
    outcome.certificates = certificates
    return outcome


@transaction.atomic
def assessment_certificate_revoke(
    *,
    certificate: AssessmentCertificate | RecognisedCertificate | VerifierCertificate,
    reason: str,
    by: User,
) -> None:
    """Revoke a certificate that counts as an assessment certificate, of any source (issued here,
    recognised from a partner region, an old verifier certificate): from now on it no longer counts
    for registration. (A registration certificate is revoked by registry's `certificate_revoke`.)"""
    certificate = type(certificate).objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    if isinstance(certificate, AssessmentCertificate):  # the feed publishes only the certificates issued here
        [sequence] = change_sequences_next(AssessmentChangeCounter)
        AssessmentCertificateChange.objects.create(
            sequence=sequence, certificate=certificate, kind=AssessmentChangeKind.REVOKED
        )
    audit_log(
        action=Action.RECORD_CHANGED,
        actor=by,
        target=certificate,
        detail={"operation": "revoked", "reason": reason},
    )


@transaction.atomic
def certificates_check(*, certificates: QuerySet, by: User) -> int:
    """Record that `by` checked these recognised or verifier certificates against the originals.

    From then on they count as assessment certificates. Certificates already checked keep their first
    checker. Returns how many were newly checked.
    """
    if certificates.model not in (RecognisedCertificate, VerifierCertificate):
        raise TypeError(f"{certificates.model.__name__} is not checked by staff")
    model = certificates.model
    unchecked = list(
        model.objects.select_for_update()
        .filter(pk__in=certificates.values("pk"), checked_at__isnull=True)
        .order_by("pk")
    )
    if not unchecked:
        return 0
    count = model.objects.filter(pk__in=[c.pk for c in unchecked]).update(
        checked_by=by, checked_at=timezone.now()
    )
    audit_log(
        action=Action.RECORD_CHANGED,
        actor=by,
        target=model,
        detail={"operation": "checked", "certificates": [str(c) for c in unchecked]},
    )
    return count


# --- score sheets ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoreRow:
    """One row of a session's score sheet: its number in the file and its cells (scores as given)."""

    number: int
    name: str
    id_number: str
    project_code: str
    skill: object
    knowledge: object


@dataclass
class ScoreRowOutcome:
    """What became of one row: its result (new, or already recorded with the same scores), or its problems
    by field (`name`, `id_number`, `project`, `skill`, `knowledge`; NON_FIELD_ERRORS for the row)."""

    result: AssessmentResult | None = None
    unchanged: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ResultsImport:
    rows: dict[int, ScoreRowOutcome]  # by row number
    people_added: int = 0

    @property
    def problems(self) -> dict[int, dict[str, list[str]]]:
        return {number: row.errors for number, row in self.rows.items() if row.errors}

    @property
    def added(self) -> int:
        return sum(1 for row in self.rows.values() if row.result is not None and not row.unchanged)

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows.values() if row.unchanged)


class ScoreRowsInvalid(ValidationError):
    """Some rows of a score sheet are invalid, so nothing was written; `outcome` has every row's problems."""

    def __init__(self, outcome: ResultsImport) -> None:
        self.outcome = outcome
        super().__init__(
            [
                _("Row %(row)d: %(problems)s")
                % {"row": number, "problems": "；".join(m for ms in errors.values() for m in ms)}
                for number, errors in outcome.problems.items()
            ],
            code="rows_invalid",
        )


def same_name(a: str, b: str) -> bool:
    """The one comparison of people's names (people.validators.normalize_name)."""
    return normalize_name(a) == normalize_name(b)


def _add(errors: dict[str, list[str]], key: str, *messages: str) -> None:
    errors.setdefault(key, []).extend(messages)


def _resident_id_problems(number: str) -> list[str] | None:
    try:
        validate_resident_id(number)
    except ValidationError as e:
        return e.messages
    return None


@transaction.atomic
def results_import(
    *,
    rows: Sequence[ScoreRow],
    session: AssessmentSession,
    by: User | None,
    create_people: bool = False,
) -> ResultsImport:
    """Record a session's scores from a sheet: every row is checked first, then all are written or none.

    A row names a person (name + resident ID number) and a project (code) assessed in `session`; rows
    match recorded results only within the session. A result already recorded is left as it is when the
    row repeats its scores and refused when it does not: a recorded score changes only by a correction
    with its reason (`result_correct`). With `create_people`, a valid resident ID number not yet in the
    registry adds the person (the training centre assesses people before they register) when its rows
    agree on the name; without it such a row is refused. Pass or fail comes from exams.rules.

    Any invalid row: ScoreRowsInvalid, listing every problem of every row, and nothing written. Else the
    new people and results are inserted (one insert each) and one audit event names the session with the
    counts. A constant number of queries, however many rows.
    """
    outcome, new_people = _results_check(rows=rows, session=session, create_people=create_people)
    if outcome.problems:
        raise ScoreRowsInvalid(outcome)
    Person.objects.bulk_create(new_people)
    outcome.people_added = len(new_people)
    now = timezone.now()
    new_results = []
    for row in outcome.rows.values():
        if row.result is not None and not row.unchanged:
            row.result.recorded_by, row.result.recorded_at = by, now
            new_results.append(row.result)
    AssessmentResult.objects.bulk_create(new_results)  # person_id is taken from the people just inserted
    if new_results:
        audit_log(
            action=Action.RECORD_CHANGED,
            actor=by,
            target=session,
            detail={
                "operation": "imported",
                "new_rows": len(new_results),
                "updated_rows": 0,
                "unchanged_rows": outcome.unchanged,
                "people_added": outcome.people_added,
            },
        )
    return outcome


def _results_check(
    *, rows: Sequence[ScoreRow], session: AssessmentSession, create_people: bool
) -> tuple[ResultsImport, list[Person]]:
    """Every row's outcome, from data read once for the whole sheet; the people to add (unsaved)."""
    numbers = {row.number: normalize_resident_id(row.id_number) for row in rows}
    id_problems = {number: _resident_id_problems(number) for number in set(numbers.values()) if number}
    valid_ids = {number for number, problems in id_problems.items() if problems is None}
    people = {p.id_number: p for p in Person.objects.with_id_numbers(valid_ids)}
    new_people: list[Person] = []
    if create_people:
        names: dict[str, set[str]] = {}
        for row in rows:
            number = numbers[row.number]
            if number in valid_ids and number not in people and row.name:
                names.setdefault(number, set()).add("".join(row.name.split()))
        max_length = Person._meta.get_field("name").max_length or 0
        for number, candidates in names.items():
            if len(candidates) == 1 and len(name := next(iter(candidates))) <= max_length:
                new_people.append(Person(id_number=number, name=name))
        people.update({p.id_number: p for p in new_people})
    projects = {p.code: p for p in MetrologyProject.objects.all()}
    projects_by_pk = {p.pk: p for p in projects.values()}
    session_project_ids = set(session.projects.values_list("pk", flat=True))
    people_by_pk = {p.pk: p for p in people.values() if p.pk is not None}
    recorded: dict[tuple[str, int], AssessmentResult] = {}
    for result in AssessmentResult.objects.filter(session=session, person_id__in=people_by_pk):
        result.person, result.project = people_by_pk[result.person_id], projects_by_pk[result.project_id]
        recorded[(result.person.id_number, result.project_id)] = result

    outcome = ResultsImport(rows={})
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        errors: dict[str, list[str]] = {}
        add = partial(_add, errors)
        number = numbers[row.number]
        person, project = people.get(number), projects.get(row.project_code)
        if not row.name:
            add("name", _("Enter the name."))
        elif (problem := text_problem(row.name)) is not None:
            add("name", problem)
        if not number:
            add("id_number", _("Enter the resident ID number."))
        elif (problems := id_problems[number]) is not None:
            add("id_number", *problems)
        elif person is None:
            add("id_number", _("Unknown resident ID number: no person in the registry has it."))
        elif row.name and not same_name(row.name, person.name):
            add(
                "name",
                _("The name does not match the resident ID number (the registry has “%(name)s”).")
                % {"name": person.name},
            )
        if not row.project_code:
            add("project", _("Enter the project code."))
        elif project is None:
            add("project", _("Unknown metrology project code “%(code)s”.") % {"code": row.project_code})
        elif project.pk not in session_project_ids:
            add("project", _("Project %(project)s is not assessed in this session.") % {"project": project})
        scores: dict[str, Decimal] = {}
        for key, value in (("skill", row.skill), ("knowledge", row.knowledge)):
            try:
                scores[key] = rules.parse_score(value)
            except ValidationError as e:
                add(key, *e.messages)
        existing = None
        if person is not None and project is not None:
            pair = (person.id_number, project.pk)
            if pair in seen:
                add(
                    NON_FIELD_ERRORS,
                    _("Duplicate row: this person and project already appear in row %(row)d.")
                    % {"row": seen[pair]},
                )
            else:
                seen[pair] = row.number
            existing = recorded.get(pair)
            if (
                existing is not None
                and len(scores) == 2
                and (existing.skill_score, existing.knowledge_score) != (scores["skill"], scores["knowledge"])
            ):
                add(NON_FIELD_ERRORS, already_recorded_message())
        if errors:
            outcome.rows[row.number] = ScoreRowOutcome(errors=errors)
        elif existing is not None:
            outcome.rows[row.number] = ScoreRowOutcome(result=existing, unchanged=True)
        else:
            result = AssessmentResult(
                session=session,
                person=person,
                project=project,
                skill_score=scores["skill"],
                knowledge_score=scores["knowledge"],
                passed=rules.passed(scores["skill"], scores["knowledge"]),
            )
            outcome.rows[row.number] = ScoreRowOutcome(result=result)
    return outcome, new_people
