"""Putting applicants into a batch: one by one from the portal's form, or many from a spreadsheet.

Every path (the form, a certificate holder's page, the spreadsheet check page, the spreadsheet upload) runs
the one set of eligibility rules (registry/eligibility.py) through `batch_rows_problems` / `_rows_problems`,
and answers the codes that would tell about a person's record (`RECORD_CODES`) with one message
(issue 11). Every path writes only what the application needs:

- a person already on record (another employer may have registered them) is reused and never changed:
  the name must match the record, and their phone stays what it was;
- a qualification certificate number not yet on record is added for that person; one on record must be
  theirs, of that level (the checks refuse anything else);
- the application is a draft of *this* batch's employer, whatever the input says: a row cannot choose
  the state, the employer or another employer's certificate.

`batch_import_rows` saves a whole file in one transaction, with a number of queries that does not grow
with the rows (bulk inserts; SQLite alone splits an insert at its 999-parameter limit). A file with
any problem saves nothing.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from exams.models import MetrologyProject
from people.models import Employer, Person, QualificationCertificate
from people.models.person import person_id_q, resident_id_digest
from registry.eligibility import (
    EMPLOYER_CODES,
    RECORD_CODES,
    Candidate,
    Problem,
    eligibility_problems,
    target_certificate_ids,
)
from registry.models import Application, Batch, RegistrationCertificate
from registry.services.applications import application_create
from registry.services.audit import audit_record_many
from registry.spreadsheets import (
    COLUMNS,
    SheetError,
    SheetResult,
    SheetRow,
    parse_sheet,
    record_mismatch_message,
)
from registry.workflow import ApplicationKind

# The spreadsheet column each eligibility field is read from (registry.eligibility.Problem.field).
_HEADER_OF = {c.key: c.header for c in COLUMNS}
COLUMN_OF = _HEADER_OF | {
    "projects": _HEADER_OF["project_codes"],
    "target_certificate": _HEADER_OF["target_certificate_number"],
}


class RowsRejected(ValidationError):
    """Rows with problems: nothing was saved. `problems` lists each (row, column, message)."""

    def __init__(self, problems: Sequence[SheetError]):
        self.problems = list(problems)
        super().__init__([p.message for p in self.problems], code="rows_rejected")


def _require_not_suspended(employer: Employer) -> None:
    if employer.status == Employer.Status.SUSPENDED:
        raise ValidationError(
            _(
                "Your employer is suspended, so nothing can be added. "
                "Contact the Heilongjiang Metrology Association."
            ),
            code="employer_suspended",
        )


def _adding_refused(employer: Employer) -> ValidationError | None:
    """Why `employer` may not add applicants now, or None. Only a verified employer adds them (issue 11):
    a self-registered one could otherwise use the answers to probe other employers' people."""
    try:
        _require_not_suspended(employer)
    except ValidationError as error:
        return error
    if employer.status != Employer.Status.ACTIVE:
        return ValidationError(
            _(
                "The association has not verified your employer yet, so applicants cannot be added. "
                "They can be added once it is verified."
            ),
            code="employer_not_verified",
        )
    return None


def _require_may_add_applicants(employer: Employer) -> None:
    """Checked in this module, the one place every way of adding applicants goes through."""
    if (refused := _adding_refused(employer)) is not None:
        raise refused


@transaction.atomic
def batch_create(*, employer: Employer, title: str, by: User) -> Batch:
    """A new, empty batch of `employer`. Allowed while the employer is pending: it may prepare."""
    _require_not_suspended(employer)
    title = (title or "").strip()
    if not title:
        raise ValidationError(
            {"title": _("Give the batch a name, e.g. 2026年第一批.")}, code="title_required"
        )
    return Batch.objects.create(employer=employer, title=title[:200], created_by=by)


def sheet_check(*, employer: Employer, file: Any, on: dt.date) -> SheetResult:
    """Every problem of a spreadsheet for `employer`, saving nothing: the portal's "check a spreadsheet"
    page and both steps of the batch upload. Parses, then checks the rows that parsed against the registry;
    `rows` keeps only the rows without problems. Refused, like adding applicants, to an employer that may
    not add them (its answers say as much about the rows)."""
    _require_may_add_applicants(employer)
    result = parse_sheet(file)
    result.errors.extend(_rows_problems(employer=employer, rows=result.rows, on=on))
    failed = {e.row for e in result.errors}
    result.rows = [r for r in result.rows if r.row not in failed]
    result.errors.sort(key=lambda e: e.row or 0)
    return result


def _candidate(
    row: SheetRow,
    employer: Employer,
    *,
    target: RegistrationCertificate | None = None,
    from_holder: bool = True,
) -> Candidate:
    """`row` as an eligibility candidate. A spreadsheet row that names no certificate acts on the one the
    person holds through the employer (`from_holder`); the form names it (`target`)."""
    return Candidate(
        row=row.row,
        kind=row.kind,
        level=row.level,
        employer=employer,
        id_number=row.id_number,
        name=row.name,
        project_codes=row.project_codes,
        qualification_number=row.qualification_number,
        target_certificate_id=target.pk if target is not None else None,
        target_certificate_number=row.target_certificate_number,
        target_from_holder=from_holder,
    )


def _as_sheet_errors(problems: Iterable[Problem], *, tell_record: bool = False) -> list[SheetError]:
    """The eligibility problems as the intake tells them: what is about the employer or the day once, and
    (unless `tell_record`) everything in RECORD_CODES as one answer per row that does not say which."""
    errors: list[SheetError] = []
    record: dict[int, list[str]] = {}
    told: set[str] = set()
    for p in problems:
        if p.code in EMPLOYER_CODES:
            if p.code not in told:
                told.add(p.code)
                errors.append(SheetError(None, None, p.message, codes=(p.code,)))
        elif p.code in RECORD_CODES and not tell_record:
            record.setdefault(p.row, []).append(p.code)
        else:
            errors.append(SheetError(p.row, COLUMN_OF.get(p.field or ""), p.message, codes=(p.code,)))
    for row, codes in record.items():
        errors.append(SheetError(row, None, record_mismatch_message(), codes=tuple(dict.fromkeys(codes))))
    errors.sort(key=lambda e: e.row or 0)
    return errors


def _rows_problems(*, employer: Employer, rows: Sequence[SheetRow], on: dt.date) -> list[SheetError]:
    """Every problem of `rows` for `employer`, in a constant number of queries however many rows."""
    rows = list(rows)
    if not rows:
        return []
    if (refused := _adding_refused(employer)) is not None:  # before anything is looked up
        return [SheetError(None, None, refused.messages[0])]
    candidates = [_candidate(row, employer) for row in rows]
    return _as_sheet_errors(eligibility_problems(candidates, on=on))


def batch_rows_problems(*, batch: Batch, rows: Sequence[SheetRow], on: dt.date) -> list[SheetError]:
    """Every problem of `rows` for `batch`, in a constant number of queries however many rows: the
    eligibility rules (registry/eligibility.py) with the employer of the batch, told as the intake tells
    them. A change, renewal or cancellation row acts on the certificate whose number it gives, or else on
    the person's valid certificate of that level held through the employer."""
    return _rows_problems(employer=batch.employer, rows=rows, on=on)


@transaction.atomic
def batch_import_rows(
    *, batch: Batch, rows: Iterable[SheetRow], by: User, on: dt.date | None = None
) -> list[Application]:
    """Save `rows` as draft applications of `batch`, all or nothing; return them in row order.

    Checks again first (the file may have been checked minutes ago, and the registry moved since):
    any problem raises RowsRejected and nothing is saved. Queries: constant in the number of rows.
    """
    on = on or timezone.localdate()
    rows = list(rows)
    batch = Batch.objects.select_for_update().select_related("employer").get(pk=batch.pk)
    _require_may_add_applicants(batch.employer)
    if not rows:
        return []
    problems = batch_rows_problems(batch=batch, rows=rows, on=on)
    if problems:
        raise RowsRejected(problems)

    ids = [row.id_number for row in rows]
    people = {p.id_number: p for p in Person.objects.with_id_numbers(ids)}
    new_people = [
        Person(name=row.name, id_number=row.id_number, phone=row.phone)
        for row in rows
        if row.id_number not in people
    ]
    if new_people:
        Person.objects.bulk_create(new_people)
        people.update(
            {p.id_number: p for p in Person.objects.with_id_numbers(p.id_number for p in new_people)}
        )

    numbers = {row.qualification_number for row in rows if row.qualification_number}
    on_record = set(
        QualificationCertificate.objects.filter(number__in=numbers).values_list("number", flat=True)
    )
    QualificationCertificate.objects.bulk_create(
        [
            QualificationCertificate(
                person=people[row.id_number],
                level=row.level,
                number=row.qualification_number,
                issued_on=row.qualification_date,
            )
            for row in rows
            if row.qualification_number
            and row.qualification_number not in on_record
            and row.qualification_date
        ]
    )

    targets = target_certificate_ids([_candidate(row, batch.employer) for row in rows], on=on)
    applications = Application.objects.bulk_create(
        [
            Application(
                kind=row.kind,
                person=people[row.id_number],
                employer_id=batch.employer_id,
                level=row.level,
                target_certificate_id=target,
                batch=batch,
                created_by=by,
            )
            for row, target in zip(rows, targets, strict=True)
        ]
    )
    if any(a.pk is None for a in applications):  # a backend that cannot return ids from a bulk insert
        by_person = dict(
            Application.objects.filter(person_id_q(ids), batch=batch, state="draft").values_list(
                "person__id_number", "pk"
            )
        )
        for row, application in zip(rows, applications, strict=True):
            application.pk = by_person[row.id_number]

    codes = {code for row in rows for code in row.project_codes}
    projects = dict(MetrologyProject.objects.filter(code__in=codes).values_list("code", "pk"))
    Through = Application.projects.through
    Through.objects.bulk_create(
        [
            Through(application_id=application.pk, metrologyproject_id=projects[code])
            for row, application in zip(rows, applications, strict=True)
            for code in row.project_codes
        ]
    )
    audit_record_many(
        {
            "application_id": application.pk,
            "transition": "create",
            "from_state": "",
            "to_state": application.state,
            "by": by,
            "comment": _("From a spreadsheet, row %(row)s") % {"row": row.row},
        }
        for row, application in zip(rows, applications, strict=True)
    )
    return applications


def _form_row(data: dict[str, Any]) -> SheetRow:
    return SheetRow(
        row=0,
        name=data["name"],
        id_number=data["id_number"],
        phone=data.get("phone") or "",
        level=int(data["level"]),
        qualification_number=data.get("qualification_number") or "",
        qualification_date=data.get("qualification_date"),
        project_codes=tuple(p.code for p in data.get("projects") or ()),
        kind=data["kind"],
        target_certificate_number=(data.get("target_certificate_number") or "").strip().upper()
        if ApplicationKind(data["kind"]).moves_employer
        else "",
    )


@transaction.atomic
def batch_add_applicant(
    *, batch: Batch, data: dict[str, Any], by: User, on: dt.date | None = None
) -> Application:
    """One applicant from the portal's form (`data`: the form's cleaned data), checked like a sheet row.

    For a change, renewal or cancellation, `data["target_certificate"]` must be this employer's valid
    certificate of that person and level. Raises RowsRejected (column-keyed problems) or ValidationError.
    """
    on = on or timezone.localdate()
    batch = Batch.objects.select_for_update().select_related("employer").get(pk=batch.pk)
    _require_may_add_applicants(batch.employer)
    row = _form_row(data)
    needs_target = ApplicationKind(row.kind).needs_target_certificate
    target = data.get("target_certificate") if needs_target else None
    candidate = _candidate(row, batch.employer, target=target, from_holder=False)
    problems = _as_sheet_errors(eligibility_problems([candidate], on=on))
    if problems:
        raise RowsRejected(problems)
    if needs_target and target is None and row.target_certificate_number:
        # A change of employer names the certificate by number (the form cannot list another
        # employer's certificates); eligibility has just matched it to the person.
        target = RegistrationCertificate.objects.get(pk=target_certificate_ids([candidate], on=on)[0])
    person, _created = Person.objects.get_or_create(
        id_digest=resident_id_digest(row.id_number),
        defaults={"id_number": row.id_number, "name": row.name, "phone": row.phone},
    )
    if row.qualification_number and row.qualification_date:
        QualificationCertificate.objects.get_or_create(
            number=row.qualification_number,
            defaults={"person": person, "level": row.level, "issued_on": row.qualification_date},
        )
    return application_create(
        kind=row.kind,
        person=person,
        employer=batch.employer,
        level=row.level,
        by=by,
        projects=data.get("projects") or (),
        target_certificate=target,
        batch=batch,
    )


@transaction.atomic
def holder_application_start(
    *,
    certificate: RegistrationCertificate,
    kind: str,
    by: User,
    projects: Iterable = (),
    batch: Batch | None = None,
) -> Application:
    """From a certificate holder's page: a draft change, renewal or cancellation of `certificate`.

    `certificate` must be a valid certificate of the caller's employer (the view scopes it). Without a
    batch, a new one is made for it. Refusals say in the user's language why (renewal window, no
    renaming on record, projects without assessment, an application already in progress).
    """
    if kind not in ApplicationKind.values or not ApplicationKind(kind).needs_target_certificate:
        raise ValidationError(_("Choose a change, a renewal or a cancellation."), code="kind")
    employer = certificate.employer
    on = timezone.localdate()
    _require_may_add_applicants(employer)
    if batch is None:
        batch = Batch.objects.create(
            employer=employer,
            title=_("%(kind)s %(date)s") % {"kind": ApplicationKind(kind).label, "date": on},
            created_by=by,
        )
    elif batch.employer_id != employer.pk:
        raise ValidationError(_("Choose one of your own batches."), code="batch")
    projects = list(projects)
    candidate = Candidate(
        row=0,
        kind=kind,
        level=certificate.level,
        employer=employer,
        person_id=certificate.person_id,
        project_codes=tuple(p.code for p in projects),
        target_certificate_id=certificate.pk,
    )
    # The holder is the employer's own registrant: the answer may say which rule refuses.
    problems = _as_sheet_errors(eligibility_problems([candidate], on=on), tell_record=True)
    if problems:
        raise ValidationError([p.message for p in problems], code="not_eligible")
    return application_create(
        kind=kind,
        person=certificate.person,
        employer=employer,
        level=certificate.level,
        by=by,
        projects=projects,
        target_certificate=certificate,
        batch=batch,
    )
