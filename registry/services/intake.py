"""Putting applicants into a batch: one by one from the portal's form, or many from a spreadsheet.

Both paths run the same checks (`batch_rows_problems`): the spreadsheet module's registry checks plus
what only the employer's own records can tell. Both write only what the application needs:

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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from people.models import Employer, EmployerNameChange, Person, QualificationCertificate
from people.models.person import person_id_q, resident_id_digest
from registry.eligibility import renewal_window_open
from registry.models import Application, Batch, RegistrationCertificate
from registry.services.applications import application_create
from registry.services.audit import audit_record_many
from registry.spreadsheets import (
    SheetError,
    SheetKind,
    SheetResult,
    SheetRow,
    check_rows_against_registry,
    read_and_check,
)
from registry.workflow import FINAL_STATES, KINDS_WITH_TARGET, ApplicationKind, CertificateState

COLUMN_OF = {"name": "姓名", "id_number": "身份证号", "kind": "申请类型", "level": "申请级别"}


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
    """The portal's "check a spreadsheet" page: every problem of a file, saving nothing. Refused, like
    adding applicants, to an employer that may not add them (its answers say as much about the rows)."""
    _require_may_add_applicants(employer)
    return read_and_check(file, on=on)


def _renamed_since(employer_id: int, day: dt.date) -> bool:
    return EmployerNameChange.objects.filter(employer_id=employer_id, changed_on__gte=day).exists()


def batch_rows_problems(*, batch: Batch, rows: Sequence[SheetRow], on: dt.date) -> list[SheetError]:
    """Every problem of `rows` for `batch`, in a constant number of queries however many rows.

    The spreadsheet module's registry checks, and: a person twice in the rows, a person who already has
    an open application of this employer at that level, a change/renewal/cancellation whose valid
    certificate is not held through this employer, a renewal outside its window, a change after renaming
    when no renaming is on record since the certificate was issued.
    """
    rows = list(rows)
    if not rows:
        return []
    if (refused := _adding_refused(batch.employer)) is not None:  # before anything is looked up
        return [SheetError(None, None, refused.messages[0])]
    problems = list(check_rows_against_registry(rows, on=on))
    seen: dict[str, int] = {}
    for row in rows:
        if row.id_number in seen:
            problems.append(
                SheetError(
                    row.row,
                    COLUMN_OF["id_number"],
                    _("The same person is already in row %(row)s of this file.")
                    % {"row": seen[row.id_number]},
                )
            )
        seen.setdefault(row.id_number, row.row)
    ids = {row.id_number for row in rows}
    open_applications: dict[tuple[str, int], int] = {}
    for id_number, level, pk in (
        Application.objects.filter(person_id_q(ids), employer_id=batch.employer_id)
        .exclude(state__in=FINAL_STATES)
        .values_list("person__id_number", "level", "pk")
    ):
        open_applications.setdefault((id_number, level), pk)
    certificates: dict[tuple[str, int], dict[str, Any]] = {}
    for certificate in RegistrationCertificate.objects.filter(
        person_id_q(ids),
        employer_id=batch.employer_id,
        state=CertificateState.VALID,
        valid_from__lte=on,
        valid_until__gte=on,
    ).values("pk", "person__id_number", "level", "valid_until", "issued_on"):
        certificates[(certificate["person__id_number"], certificate["level"])] = certificate
    last_rename = (
        EmployerNameChange.objects.filter(employer_id=batch.employer_id)
        .order_by("-changed_on")
        .values_list("changed_on", flat=True)
        .first()
    )
    for row in rows:
        pk = open_applications.get((row.id_number, row.level))
        if pk is not None:
            problems.append(
                SheetError(
                    row.row,
                    COLUMN_OF["id_number"],
                    _(
                        "This person already has an application of this level in progress "
                        "(%(number)s). Finish or withdraw it first."
                    )
                    % {"number": f"SQ{pk:08d}"},
                )
            )
        if row.kind not in KINDS_WITH_TARGET:
            continue
        certificate = certificates.get((row.id_number, row.level))
        if certificate is None:
            problems.append(
                SheetError(
                    row.row,
                    COLUMN_OF["kind"],
                    _(
                        "Your employer holds no valid registration certificate of this level for this "
                        "person. Only the employer the certificate names can change, renew or cancel it."
                    ),
                )
            )
            continue
        window_open = renewal_window_open(RegistrationCertificate(valid_until=certificate["valid_until"]), on)
        if row.kind == SheetKind.RENEWAL and not window_open:
            problems.append(
                SheetError(
                    row.row,
                    COLUMN_OF["kind"],
                    _(
                        "A renewal can be applied for only in the 30 working days before the certificate "
                        "expires (it expires on %(date)s)."
                    )
                    % {"date": certificate["valid_until"]},
                )
            )
        if row.kind == SheetKind.CHANGE_EMPLOYER_NAME and (
            last_rename is None or last_rename < certificate["issued_on"]
        ):
            problems.append(
                SheetError(
                    row.row,
                    COLUMN_OF["kind"],
                    _(
                        "No renaming of your employer is on record since this certificate was issued. "
                        "Ask the association to record the new name first."
                    ),
                )
            )
    problems.sort(key=lambda p: p.row or 0)
    return problems


def _target_certificates(batch: Batch, rows: Sequence[SheetRow], on: dt.date) -> dict[tuple[str, int], int]:
    wanted = {row.id_number for row in rows if row.kind in KINDS_WITH_TARGET}
    if not wanted:
        return {}
    return {
        (id_number, level): pk
        for pk, id_number, level in RegistrationCertificate.objects.filter(
            person_id_q(wanted),
            employer_id=batch.employer_id,
            state=CertificateState.VALID,
            valid_from__lte=on,
            valid_until__gte=on,
        ).values_list("pk", "person__id_number", "level")
    }


@transaction.atomic
def batch_import_rows(
    *, batch: Batch, rows: Iterable[SheetRow], by: User, on: dt.date | None = None
) -> list[Application]:
    """Save `rows` as draft applications of `batch`, all or nothing; return them in row order.

    Checks again first (the file may have been checked minutes ago, and the registry moved since):
    any problem raises RowsRejected and nothing is saved. Queries: constant in the number of rows.
    """
    from exams.models import MetrologyProject

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

    targets = _target_certificates(batch, rows, on)
    applications = Application.objects.bulk_create(
        [
            Application(
                kind=row.kind,
                person=people[row.id_number],
                employer_id=batch.employer_id,
                level=row.level,
                target_certificate_id=targets.get((row.id_number, row.level)),
                batch=batch,
                created_by=by,
            )
            for row in rows
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
    problems = batch_rows_problems(batch=batch, rows=[row], on=on)
    target = data.get("target_certificate")
    if (
        row.kind in KINDS_WITH_TARGET
        and target is not None
        and (
            target.employer_id != batch.employer_id
            or target.person.id_number != row.id_number
            or target.level != row.level
        )
    ):
        problems.append(
            SheetError(
                0,
                "target_certificate",
                _("This certificate is not this person's certificate of the level chosen."),
            )
        )
    if row.kind in KINDS_WITH_TARGET and target is None:
        problems.append(
            SheetError(0, "target_certificate", _("Choose the registration certificate concerned."))
        )
    if problems:
        raise RowsRejected(problems)
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
        target_certificate=target if row.kind in KINDS_WITH_TARGET else None,
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
    if kind not in KINDS_WITH_TARGET:
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
    row = SheetRow(
        row=0,
        name=certificate.person.name,
        id_number=certificate.person.id_number,
        phone="",
        level=certificate.level,
        qualification_number="",
        qualification_date=None,
        project_codes=tuple(p.code for p in projects),
        kind=kind,
    )
    if kind == ApplicationKind.CHANGE_SPECIALTY and not projects:
        raise ValidationError(_("Choose at least one metrology project to add."), code="projects")
    problems = batch_rows_problems(batch=batch, rows=[row], on=on)
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


def problems_by_row(problems: Iterable[SheetError]) -> dict[int | None, list[SheetError]]:
    grouped: dict[int | None, list[SheetError]] = defaultdict(list)
    for problem in problems:
        grouped[problem.row].append(problem)
    return dict(grouped)
