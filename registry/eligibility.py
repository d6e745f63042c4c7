"""Who may register what, and when (DESIGN.md §2): the one place these rules are written (issue 12).

`eligibility_problems(candidates, on=...)` judges many candidate applications at once and answers with
`Problem(row, field, code, message)` records, reading the database set-based: a fixed number of queries
however many candidates. Every path that lets an application go ahead calls it:

- the application services at submission and again at approval (`application_eligibility_problems`: an
  assessment certificate may have lapsed in between);
- the portal's intake service (registry/services/intake.py) for the applicant form, the certificate
  holder's page, the spreadsheet check page and the spreadsheet upload. Towards whoever adds applicants
  it answers the codes in `RECORD_CODES` with one message (issue 11: no name/ID-number oracle).

Codes are stable identifiers that callers and tests match on; messages are in the user's language.
A registration certificate is valid on a day when it is in the valid state and the day lies between its
`valid_from` and `valid_until`, both included: one whose `valid_until` is before the day of the
application is no longer valid, whatever its state says until the nightly sweep marks it expired —
unless a renewal of it, applied for in time, is still being decided (`renewal_pending_q`): the
registration then stays in force past its printed end until the decision. A renewal is judged on the day
it was received, not on the day it is decided (docs/decisions/0090-renewal-pending-and-early.md).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from exams.models import MetrologyProject
from exams.selectors import projects_with_valid_assessment_for_people
from people.models import Employer, EmployerNameChange, Person, QualificationCertificate
from people.validators import normalize_name
from registry.models import Application, RegistrationCertificate
from registry.workflow import FINAL_STATES, ApplicationKind, ApplicationState, CertificateState
from workdays.working_days import working_days_between

RENEWAL_WINDOW_WORKING_DAYS = 30  # national rule: apply in the 30 working days before expiry

# What the registry knows about a person that whoever adds applicants may not learn code by code: these
# get one answer in the intake (registry.spreadsheets.record_mismatch_message).
RECORD_CODES = frozenset(
    {
        "name_mismatch",
        "project_without_assessment",
        "holds_valid_certificate",
        "no_qualification",
        "qualification_mismatch",
        "application_in_progress_elsewhere",
        "moved_certificate_not_found",
    }
)
# About the employer or the day, the same for every row.
EMPLOYER_CODES = frozenset({"pilot_window_closed", "verification_institution", "employer_not_active"})


@dataclass(frozen=True)
class Candidate:
    """An application as it is (from an application) or as it would be (a form, a spreadsheet row).

    The person is either on record (`person_id`) or given by identity (`id_number` and `name`, which
    must then match the record if there is one). The certificate a change, renewal or cancellation acts
    on is given by id (form, application) or by number (spreadsheet); with `target_from_holder` and
    neither given, it is the person's certificate of that level held through the employer and valid on
    the day (a spreadsheet row that leaves the number out).
    """

    row: int
    kind: str
    level: int
    employer: Employer
    person_id: int | None = None
    id_number: str = ""
    name: str = ""
    project_codes: tuple[str, ...] = ()
    qualification_number: str = ""
    target_certificate_id: int | None = None
    target_certificate_number: str = ""
    target_from_holder: bool = False
    application_id: int | None = None  # the application judged, not "another one in progress"
    # The judged application's receipt, if submitted: a renewal's window, and who came first.
    received_on: dt.date | None = None


@dataclass(frozen=True)
class Problem:
    """Why candidate `row` may not go ahead. `field`: name, id_number, level, kind, projects,
    qualification_number, target_certificate, or None (the employer or the day)."""

    row: int
    field: str | None
    code: str
    message: str


# How a rule reports a problem: say(field, code, message).
Say = Callable[[str | None, str, str], None]


def pilot_window_open(on: dt.date) -> bool:
    return settings.REGISTRY_PILOT_START <= on <= settings.REGISTRY_PILOT_END


def certificate_valid_on(certificate: RegistrationCertificate, on: dt.date) -> bool:
    return (
        certificate.state == CertificateState.VALID
        and certificate.valid_from <= on <= certificate.valid_until
    )


# A renewal in one of these states is being decided: it keeps its certificate in force past its end
# (Administrative Licensing Law art. 50; docs/decisions/0090-renewal-pending-and-early.md). A draft has not
# been applied for; the final states have ended it, with or without a new certificate.
RENEWAL_PENDING_STATES = frozenset(
    {
        ApplicationState.SUBMITTED,
        ApplicationState.CORRECTIONS_REQUESTED,
        ApplicationState.ACCEPTED,
        ApplicationState.APPROVED,
    }
)


def renewal_pending_q() -> Exists:
    """A certificate (the outer row) has a renewal being decided. Every renewal was applied for within
    its window: submission refuses one outside it, so an open renewal is one applied for in time."""
    return Exists(
        Application.objects.filter(
            target_certificate=OuterRef("pk"),
            kind=ApplicationKind.RENEWAL,
            state__in=RENEWAL_PENDING_STATES,
        )
    )


def _valid_on_q(on: dt.date) -> Q:
    """Valid on day `on` by its dates, or past its end while a renewal applied for in time is decided."""
    return Q(state=CertificateState.VALID, valid_from__lte=on) & (
        Q(valid_until__gte=on) | Q(renewal_pending_q())
    )


def certificates_in_force(
    on: dt.date, among: QuerySet[RegistrationCertificate] | None = None
) -> QuerySet[RegistrationCertificate]:
    """The certificates (of `among`, by default all) in force on day `on`, each with `renewal_pending`
    (True: past its end and kept in force by a renewal being decided): what the holder lists read."""
    among = RegistrationCertificate.objects.all() if among is None else among
    return among.filter(_valid_on_q(on)).annotate(
        renewal_pending=ExpressionWrapper(
            Q(valid_until__lt=on) & Q(renewal_pending_q()), output_field=BooleanField()
        )
    )


def certificate_renewal_pending(certificate: RegistrationCertificate, on: dt.date) -> bool:
    """`certificate` is past its end on day `on` and kept in force by a renewal being decided."""
    return (
        certificate.state == CertificateState.VALID
        and certificate.valid_until < on
        and RegistrationCertificate.objects.filter(renewal_pending_q(), pk=certificate.pk).exists()
    )


def renewal_window_open(certificate: RegistrationCertificate, on: dt.date) -> bool:
    return on <= certificate.valid_until and working_days_between(on, certificate.valid_until) <= (
        RENEWAL_WINDOW_WORKING_DAYS
    )


# --- reading everything the rules need, once for all candidates --------------------------------------
def _people(candidates: Sequence[Candidate]) -> dict[str, dict]:
    """{ID number: {pk, name}} of the people on record among the candidates given by identity."""
    numbers = {c.id_number for c in candidates if c.person_id is None and c.id_number}
    if not numbers:
        return {}
    return {
        p["id_number"]: p for p in Person.objects.with_id_numbers(numbers).values("pk", "id_number", "name")
    }


def _person_ids(candidates: Sequence[Candidate], people: dict[str, dict]) -> list[int | None]:
    return [
        c.person_id
        if c.person_id is not None
        else (people[c.id_number]["pk"] if c.id_number in people else None)
        for c in candidates
    ]


def _target_key(c: Candidate, person_id: int | None) -> tuple[str, object] | None:
    """How candidate `c` names the certificate it acts on: by id, by number, as held, or not at all."""
    if not ApplicationKind(c.kind).needs_target_certificate:
        return None
    if c.target_certificate_id:
        return ("id", c.target_certificate_id)
    if c.target_certificate_number:
        return ("number", c.target_certificate_number)
    if c.target_from_holder and person_id is not None and not ApplicationKind(c.kind).moves_employer:
        return ("held", (person_id, c.employer.pk, c.level))
    return None


def _targets(
    candidates: Sequence[Candidate], person_ids: Sequence[int | None], *, on: dt.date
) -> list[RegistrationCertificate | None]:
    """The certificate each candidate acts on (None: none found, or its kind acts on none); one query."""
    keys = [_target_key(c, pid) for c, pid in zip(candidates, person_ids, strict=True)]
    named = {how: {key[1] for key in keys if key and key[0] == how} for how in ("id", "number", "held")}
    if not any(named.values()):
        return [None] * len(candidates)
    q = Q(pk__in=named["id"]) | Q(number__in=named["number"])
    if named["held"]:
        people, employers, _levels = (set(part) for part in zip(*named["held"], strict=True))
        q |= _valid_on_q(on) & Q(person_id__in=people, employer_id__in=employers)
    found: dict[tuple[str, object], RegistrationCertificate] = {}
    # `renewed`: a renewal issued early already has a successor that starts when this one ends.
    renewed = Exists(RegistrationCertificate.objects.filter(previous=OuterRef("pk")))
    for certificate in RegistrationCertificate.objects.filter(q).annotate(renewed=renewed):
        found[("id", certificate.pk)] = certificate
        found[("number", certificate.number)] = certificate
        if certificate_valid_on(certificate, on):
            found[("held", (certificate.person_id, certificate.employer_id, certificate.level))] = certificate
    return [found.get(key) if key else None for key in keys]


def target_certificate_ids(candidates: Iterable[Candidate], *, on: dt.date) -> list[int | None]:
    """The id of the certificate each candidate acts on, as `eligibility_problems` found it (2 queries at
    most): what the intake stores on the applications it creates."""
    candidates = list(candidates)
    targets = _targets(candidates, _person_ids(candidates, _people(candidates)), on=on)
    return [t.pk if t is not None else None for t in targets]


@dataclass
class _Facts:
    people: dict[str, dict]
    person_ids: list[int | None]
    projects: dict[str, MetrologyProject]
    assessed: dict[int, frozenset[int]]
    certified: set[tuple[int, int]]  # (person, level) holding a certificate valid on the day
    qualifications_by_number: dict[str, tuple[int, int]]  # number → (person, level)
    qualified: set[tuple[int, int]]  # (person, level) holding a qualification certificate
    in_progress: dict[tuple[int, int, int], list[int]]  # (person, employer, level) → open applications
    # (person, level) → (receipt date, application, employer) of the submitted ones, any employer
    submitted: dict[tuple[int, int], list[tuple[dt.date, int, int]]]
    last_rename: dict[int, dt.date]  # employer → the date of its latest renaming
    targets: list[RegistrationCertificate | None]

    @classmethod
    def read(cls, candidates: Sequence[Candidate], *, on: dt.date) -> "_Facts":
        kinds = [ApplicationKind(c.kind) for c in candidates]
        people = _people(candidates)
        person_ids = _person_ids(candidates, people)
        known = {pid for pid in person_ids if pid is not None}
        employers = {c.employer.pk for c in candidates}

        codes = {code for c in candidates for code in c.project_codes}
        projects = {p.code: p for p in MetrologyProject.objects.filter(code__in=codes)} if codes else {}
        wants_projects = {pid for pid, k in zip(person_ids, kinds, strict=True) if pid and k.needs_projects}
        assessed = projects_with_valid_assessment_for_people(person_ids=wants_projects, on=on)

        initial = {pid for pid, k in zip(person_ids, kinds, strict=True) if pid and k.needs_qualification}
        certified: set[tuple[int, int]] = set()
        if initial:
            certified = set(
                RegistrationCertificate.objects.filter(_valid_on_q(on), person_id__in=initial).values_list(
                    "person_id", "level"
                )
            )
        numbers = {
            c.qualification_number for c, k in zip(candidates, kinds, strict=True) if k.needs_qualification
        }
        numbers.discard("")
        qualifications_by_number: dict[str, tuple[int, int]] = {}
        qualified: set[tuple[int, int]] = set()
        if initial or numbers:
            for number, person_id, level in QualificationCertificate.objects.filter(
                Q(number__in=numbers) | Q(person_id__in=initial)
            ).values_list("number", "person_id", "level"):
                qualifications_by_number[number] = (person_id, level)
                qualified.add((person_id, level))

        # Open applications of these people with ANY employer (issue 14): the employer's own block as
        # before (drafts too); another employer's once submitted (a draft is not yet an application, and
        # counting it would let any employer block a person by drafting).
        in_progress: dict[tuple[int, int, int], list[int]] = {}
        submitted: dict[tuple[int, int], list[tuple[dt.date, int, int]]] = {}
        if known:
            for pk, person_id, employer_id, level, state, received_on in (
                Application.objects.filter(person_id__in=known)
                .exclude(state__in=FINAL_STATES)
                .order_by("pk")
                .values_list("pk", "person_id", "employer_id", "level", "state", "received_on")
            ):
                if employer_id in employers:
                    in_progress.setdefault((person_id, employer_id, level), []).append(pk)
                if state != ApplicationState.DRAFT:
                    submitted.setdefault((person_id, level), []).append(
                        (received_on or dt.date.min, pk, employer_id)
                    )

        last_rename: dict[int, dt.date] = {}
        renamed = {
            c.employer.pk
            for c, k in zip(candidates, kinds, strict=True)
            if k == ApplicationKind.CHANGE_EMPLOYER_NAME
        }
        if renamed:
            last_rename = dict(
                EmployerNameChange.objects.filter(employer_id__in=renamed)
                .values("employer_id")
                .annotate(last=Max("changed_on"))
                .values_list("employer_id", "last")
            )
        return cls(
            people=people,
            person_ids=person_ids,
            projects=projects,
            assessed=assessed,
            certified=certified,
            qualifications_by_number=qualifications_by_number,
            qualified=qualified,
            in_progress=in_progress,
            submitted=submitted,
            last_rename=last_rename,
            targets=_targets(candidates, person_ids, on=on),
        )


# --- the rules -------------------------------------------------------------------------------------------
def eligibility_problems(candidates: Iterable[Candidate], *, on: dt.date) -> list[Problem]:
    """Every reason each candidate may not go ahead on day `on`, in candidate order; empty when all may.

    At most nine queries, however many candidates.
    """
    candidates = list(candidates)
    if not candidates:
        return []
    facts = _Facts.read(candidates, on=on)
    problems: list[Problem] = []
    first_row_of: dict[object, int] = {}
    for index, c in enumerate(candidates):
        person_id = facts.person_ids[index]
        first_row = first_row_of.setdefault(person_id or ("id", c.id_number), c.row)
        found: list[Problem] = []

        def say(
            field: str | None, code: str, message: str, row: int = c.row, found: list[Problem] = found
        ) -> None:
            found.append(Problem(row, field, code, message))

        if first_row != c.row:
            say(
                "id_number",
                "duplicate_person",
                _("The same person is already in row %(row)s of this file.") % {"row": first_row},
            )
        _employer_rules(c, on, say)
        _person_rules(c, person_id, facts, say)
        _project_rules(c, person_id, facts, say)
        _certificate_rules(c, person_id, facts.targets[index], facts, on, say)
        problems += found
    return problems


def _employer_rules(c: Candidate, on: dt.date, say: Say) -> None:
    """Within the pilot window, staff of an active employer that is no authorised verification institution
    (a cancellation excepted: it ends a registration whatever the employer has become)."""
    if not ApplicationKind(c.kind).needs_eligible_employer:
        return
    if not pilot_window_open(on):
        say(
            None,
            "pilot_window_closed",
            _("The pilot registration window (%(start)s to %(end)s) is not open.")
            % {"start": settings.REGISTRY_PILOT_START, "end": settings.REGISTRY_PILOT_END},
        )
    if c.employer.is_authorised_verification_institution:
        say(
            None,
            "verification_institution",
            _("Staff of an authorised metrological verification institution are not eligible."),
        )
    if c.employer.status != Employer.Status.ACTIVE:
        say(None, "employer_not_active", _("The employer is not active (verified and not suspended)."))


def _person_rules(c: Candidate, person_id: int | None, facts: _Facts, say: Say) -> None:
    """The name matches the record; no other open application of the employer at the level, nor an
    earlier submitted one with another employer; for an initial registration, the qualification of the
    level and no registration of the level yet."""
    on_record = facts.people.get(c.id_number) if c.person_id is None else None
    if on_record is not None and normalize_name(on_record["name"]) != normalize_name(c.name):
        say("name", "name_mismatch", _("The name differs from the name on record for this ID number."))
    in_progress = facts.in_progress.get((person_id, c.employer.pk, c.level), []) if person_id else []
    others = [pk for pk in in_progress if pk != c.application_id]
    if others:
        say(
            "id_number",
            "application_in_progress",
            _(
                "This person already has an application of this level in progress "
                "(%(number)s). Finish or withdraw it first."
            )
            % {"number": f"SQ{others[0]:08d}"},
        )
    elif person_id and any(
        employer_id != c.employer.pk
        and (c.received_on is None or (received_on, pk) < (c.received_on, c.application_id or 0))
        for received_on, pk, employer_id in facts.submitted.get((person_id, c.level), [])
    ):
        # Another employer's (the one received first goes ahead, so two never block each other). In
        # RECORD_CODES: whoever adds applicants gets the one neutral answer and cannot learn that the ID
        # number is on record, or that the person applies elsewhere (docs/decisions/0093).
        say(
            "id_number",
            "application_in_progress_elsewhere",
            _(
                "This person already has a submitted application of this level in progress with another "
                "employer. It must be decided or withdrawn first."
            ),
        )
    if not ApplicationKind(c.kind).needs_qualification:
        return
    on_file = facts.qualifications_by_number.get(c.qualification_number) if c.qualification_number else None
    if on_file is not None and on_file != (person_id, c.level):
        say(
            "qualification_number",
            "qualification_mismatch",
            _("This qualification certificate number is on record for another person or another level."),
        )
    elif not c.qualification_number and (person_id, c.level) not in facts.qualified:
        say(
            "qualification_number",
            "no_qualification",
            _("The person holds no registered metrologist qualification certificate of this level."),
        )
    if (person_id, c.level) in facts.certified:
        say(
            "level",
            "holds_valid_certificate",
            _("The person already holds a valid registration certificate of this level."),
        )


def _project_rules(c: Candidate, person_id: int | None, facts: _Facts, say: Say) -> None:
    """Projects of the active catalogue; for an initial registration or a change of specialty at least one,
    each with an assessment certificate valid on the day."""
    unknown = [code for code in c.project_codes if not getattr(facts.projects.get(code), "is_active", False)]
    if unknown:
        say(
            "projects",
            "unknown_project",
            _("Unknown project code: %(codes)s. Use the codes of the metrology project list.")
            % {"codes": "、".join(unknown)},
        )
    if not ApplicationKind(c.kind).needs_projects:
        return
    if not c.project_codes:
        say("projects", "no_projects", _("Choose at least one metrology project."))
    held = facts.assessed.get(person_id, frozenset()) if person_id is not None else frozenset()
    for code in sorted(set(c.project_codes) - set(unknown)):
        if facts.projects[code].pk not in held:
            say(
                "projects",
                "project_without_assessment",
                _("No valid assessment certificate for the metrology project %(project)s.")
                % {"project": facts.projects[code]},
            )


def certificate_holder_problem(
    target: RegistrationCertificate,
    *,
    person_id: int | None,
    employer_id: int | None,
    kind: str = ApplicationKind.CHANGE_SPECIALTY,
) -> tuple[str, str] | None:
    """(code, message) when `target` is not the certificate of this person held through this employer.

    Only the employer a certificate names can change, renew or cancel it (issue 14): checked with the other
    rules, and on its own wherever an application is created or issued (registry/services/applications.py).
    A change of employer is the opposite: applied for by the employer the holder moves to, so the
    certificate must name another employer.
    """
    if target.person_id != person_id:
        return "certificate_of_other_person", _("The registration certificate belongs to another person.")
    if ApplicationKind(kind).moves_employer:
        if target.employer_id == employer_id:
            return "same_employer", _(
                "The registration certificate already names your employer: a change of employer is applied "
                "for by the employer the holder moves to."
            )
        return None
    if target.employer_id != employer_id:
        return "certificate_of_other_employer", _(
            "The registration certificate names another employer: only the employer it names can "
            "change, renew or cancel it."
        )
    return None


def _certificate_rules(
    c: Candidate,
    person_id: int | None,
    target: RegistrationCertificate | None,
    facts: _Facts,
    on: dt.date,
    say: Say,
) -> None:
    """A change, renewal or cancellation acts on the person's certificate of the level, issued through
    the employer and valid on the day; a renewal within its window; a change of the employer's name
    after a renaming on record since the certificate was issued."""
    kind = ApplicationKind(c.kind)
    if not kind.needs_target_certificate:
        return
    if kind.moves_employer:
        _move_rules(c, person_id, target, on, say)
        return
    if target is None:
        if c.target_certificate_number:
            message = _("No registration certificate has the number %(number)s.") % {
                "number": c.target_certificate_number
            }
            say("target_certificate", "no_certificate", message)
        elif c.target_from_holder and not c.target_certificate_id:
            message = _(
                "Your employer holds no valid registration certificate of this level for this "
                "person. Only the employer the certificate names can change, renew or cancel it."
            )
            say("kind", "no_certificate", message)
        else:
            message = _("Choose the registration certificate this application concerns.")
            say("target_certificate", "no_certificate", message)
        return
    if (
        holder := certificate_holder_problem(target, person_id=person_id, employer_id=c.employer.pk)
    ) is not None:
        say("target_certificate", *holder)
    judged_on = _judged_on(c, kind, target, on)
    if not certificate_valid_on(target, judged_on):
        message = _("The registration certificate is no longer valid.")
        say("target_certificate", "certificate_not_valid", message)
    elif getattr(target, "renewed", False):
        message = _(
            "The registration certificate has already been renewed: its successor is valid from the day "
            "after it ends. Apply on the new certificate from that day."
        )
        say("target_certificate", "certificate_renewed", message)
    elif kind == ApplicationKind.RENEWAL and not renewal_window_open(target, judged_on):
        message = _(
            "A renewal can be applied for only in the 30 working days before the certificate "
            "expires (it expires on %(date)s)."
        ) % {"date": target.valid_until}
        say("kind", "renewal_outside_window", message)
    if target.level != c.level:
        say("level", "level_mismatch", _("The level differs from the level of the registration certificate."))
    renamed = facts.last_rename.get(c.employer.pk)
    if kind == ApplicationKind.CHANGE_EMPLOYER_NAME and (renamed is None or renamed < target.issued_on):
        message = _(
            "No renaming of your employer is on record since this certificate was issued. "
            "Ask the association to record the new name first."
        )
        say("kind", "no_renaming_on_record", message)


def _judged_on(c: Candidate, kind: ApplicationKind, target: RegistrationCertificate, on: dt.date) -> dt.date:
    """The day a renewal's certificate and window are judged on: the day it was received, so that the
    association's processing time never costs the holder the registration (art. 50). A renewal
    resubmitted after a correction notice, past the certificate's end, was first applied for within the
    window (submission judged it on that day) and has kept the certificate in force since: it is judged on
    the certificate's last day. Everything else is judged on `on`."""
    if kind != ApplicationKind.RENEWAL or c.received_on is None:
        return on
    return min(c.received_on, target.valid_until)


def _move_rules(
    c: Candidate, person_id: int | None, target: RegistrationCertificate | None, on: dt.date, say: Say
) -> None:
    """A change of employer (变更执业单位) is applied for by the holder's NEW employer, on the certificate
    held through the old one, named by its number with the holder's name and ID number: the opposite
    of the other changes, so the certificate must name ANOTHER employer. An unknown number and a number
    of another person get one code in RECORD_CODES, told as the one record answer (no oracle of who
    holds which number); only once the holder is matched does the answer say more."""
    if target is None and not c.target_certificate_number and not c.target_certificate_id:
        message = _(
            "Give the number of the registration certificate the person holds through the previous employer."
        )
        say("target_certificate", "no_certificate", message)
        return
    if target is None or target.person_id != person_id:
        message = _("No registration certificate with this number is held by this person.")
        say("target_certificate", "moved_certificate_not_found", message)
        return
    if holder := certificate_holder_problem(
        target, person_id=person_id, employer_id=c.employer.pk, kind=c.kind
    ):
        say("kind", *holder)  # the person matched: only "same employer" is left to say
    if not certificate_valid_on(target, on):
        message = _("The registration certificate is no longer valid.")
        say("target_certificate", "certificate_not_valid", message)
    if target.level != c.level:
        say("level", "level_mismatch", _("The level differs from the level of the registration certificate."))


# --- one application -------------------------------------------------------------------------------------
def application_candidate(application: Application) -> Candidate:
    """`application` as a candidate (one query: its projects' codes)."""
    return Candidate(
        row=application.pk,
        kind=application.kind,
        level=application.level,
        employer=application.employer,
        person_id=application.person_id,
        project_codes=tuple(application.projects.order_by("code").values_list("code", flat=True)),
        target_certificate_id=application.target_certificate_id,
        application_id=application.pk,
        received_on=application.received_on if application.state != ApplicationState.DRAFT else None,
    )


def application_eligibility_problems(application: Application, *, on: dt.date) -> list[Problem]:
    """Every reason `application` may not go ahead on day `on`; empty when it may."""
    return eligibility_problems([application_candidate(application)], on=on)
