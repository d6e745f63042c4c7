"""One table of eligibility cases through every path that adds or submits an application (issue 12).

The rules used to be written three times (the application check, the spreadsheet check, the batch intake)
and had drifted: the application's "already holds a valid certificate" ignored `valid_until`. Now each
path calls registry.eligibility.eligibility_problems, so each case must give the same problem codes:

- the portal's applicant form (ApplicantForm, then the intake service it posts to);
- the spreadsheet: the check that the check page and the upload preview run, and the import on confirm;
- the application services: the eligibility of a draft, and its submission.

The page's certificate list offers only the employer's valid certificates, so there the form narrows
further; here the form is given every certificate, so that the service's answer is what is compared.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from exams.models import MetrologyProject
from people.models import Level
from registry.eligibility import Candidate, application_eligibility_problems, eligibility_problems
from registry.models import RegistrationCertificate
from registry.portal_batch_forms import ApplicantForm
from registry.services.applications import application_submit
from registry.services.certificates import certificate_revoke
from registry.services.intake import RowsRejected, batch_add_applicant, batch_import_rows, sheet_check
from registry.spreadsheets import LEVEL_LABELS, parse_sheet
from registry.workflow import ApplicationKind, ApplicationState
from tests.factories import (
    ApplicationFactory,
    BatchFactory,
    EmployerFactory,
    PersonFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.factories.exams import AssessmentCertificateFactory, MetrologyProjectFactory
from tests.portal_files import sheet_xlsx
from tests.registry.conftest import MONDAY, attach_required

pytestmark = pytest.mark.django_db

DAY = MONDAY  # the day of the application
K = ApplicationKind


@dataclass
class World:
    employer: object
    clerk: object
    person: object
    other_person: object
    assessed: MetrologyProject
    not_assessed: MetrologyProject


@pytest.fixture
def world(monday, workday_calendar):
    employer = EmployerFactory(name="松花江仪表厂")
    person = PersonFactory(name="赵敏")
    QualificationCertificateFactory(person=person, level=Level.TWO, number="ZJ-ZM-2")
    assessed = MetrologyProjectFactory(code="12.901", name="压力表")
    not_assessed = MetrologyProjectFactory(code="12.902", name="天平")
    AssessmentCertificateFactory(person=person, projects=[assessed], issued_on=dt.date(2025, 1, 1))
    return World(
        employer=employer,
        clerk=UserFactory(username="clerk-paths", role=Role.ENTERPRISE, employer=employer),
        person=person,
        other_person=PersonFactory(name="钱进"),
        assessed=assessed,
        not_assessed=not_assessed,
    )


def certificate_of(
    w: World, *, person=None, employer=None, level=Level.TWO, valid_until=None, issued_on=None
) -> RegistrationCertificate:
    person, employer = person or w.person, employer or w.employer
    issued_on = issued_on or DAY - dt.timedelta(days=400)
    return RegistrationCertificateFactory(
        application__person=person,
        application__employer=employer,
        application__level=level,
        issued_on=issued_on,
        valid_until=valid_until or issued_on + dt.timedelta(days=5 * 365),
    )


def revoked(w: World) -> RegistrationCertificate:
    certificate = certificate_of(w)
    return certificate_revoke(certificate=certificate, by=UserFactory(role=Role.ASSOCIATION), reason="伪造")


@dataclass
class Case:
    kind: str
    expected: set[str]
    level: int = Level.TWO
    projects: Callable[[World], list] = lambda w: []
    target: Callable[[World], RegistrationCertificate | None] = lambda w: None
    setup: Callable[[World], object] = lambda w: None
    extra: dict = field(default_factory=dict)


CASES = {
    "a change without a certificate": Case(
        K.CHANGE_SPECIALTY, {"no_certificate"}, projects=lambda w: [w.assessed]
    ),
    "a renewal without a certificate": Case(K.RENEWAL, {"no_certificate"}),
    "a cancellation without a certificate": Case(K.CANCELLATION, {"no_certificate"}),
    "another person's certificate": Case(
        K.CANCELLATION,
        {"certificate_of_other_person"},
        target=lambda w: certificate_of(w, person=w.other_person),
    ),
    "a certificate issued through another employer": Case(
        K.CANCELLATION,
        {"certificate_of_other_employer"},
        target=lambda w: certificate_of(w, employer=EmployerFactory()),
    ),
    "a revoked certificate": Case(K.CANCELLATION, {"certificate_not_valid"}, target=revoked),
    "a certificate valid until the day before": Case(
        K.CHANGE_SPECIALTY,
        {"certificate_not_valid"},
        projects=lambda w: [w.assessed],
        target=lambda w: certificate_of(w, valid_until=DAY - dt.timedelta(days=1)),
    ),
    "a certificate valid until the day of the application": Case(
        K.CHANGE_SPECIALTY,
        set(),
        projects=lambda w: [w.assessed],
        target=lambda w: certificate_of(w, valid_until=DAY),
    ),
    "a level other than the certificate's": Case(
        K.CANCELLATION, {"level_mismatch"}, level=Level.ONE, target=lambda w: certificate_of(w)
    ),
    "a renewal long before the expiry": Case(
        K.RENEWAL,
        {"renewal_outside_window"},
        target=lambda w: certificate_of(w, valid_until=DAY + dt.timedelta(days=400)),
    ),
    "a renewal within its window": Case(
        K.RENEWAL, set(), target=lambda w: certificate_of(w, valid_until=DAY + dt.timedelta(days=14))
    ),
    "an initial registration while a valid certificate exists": Case(
        K.INITIAL,
        {"holds_valid_certificate"},
        projects=lambda w: [w.assessed],
        setup=lambda w: certificate_of(w),
    ),
    "an initial registration once the old certificate's valid_until has passed": Case(
        K.INITIAL,
        set(),
        projects=lambda w: [w.assessed],
        setup=lambda w: certificate_of(
            w, valid_until=DAY - dt.timedelta(days=1)
        ),  # not yet swept: still "valid"
    ),
    "an application with no projects": Case(K.INITIAL, {"no_projects"}),
    "a project without a valid assessment": Case(
        K.INITIAL, {"project_without_assessment"}, projects=lambda w: [w.assessed, w.not_assessed]
    ),
}


@dataclass
class Prepared:
    kind: str
    level: int
    projects: list
    target: RegistrationCertificate | None


def prepare(w: World, case: Case) -> Prepared:
    case.setup(w)
    return Prepared(case.kind, case.level, case.projects(w), case.target(w))


def _rolled_back(run: Callable[[], set[str]]) -> set[str]:
    """Each path in its own savepoint, undone after: an application one path saves must not meet the next."""
    with transaction.atomic():
        codes = run()
        transaction.set_rollback(True)
    return codes


def through_the_form(w: World, p: Prepared) -> set[str]:
    initial = p.kind == K.INITIAL
    form = ApplicantForm(
        {
            "kind": p.kind,
            "name": w.person.name,
            "id_number": w.person.id_number,
            "phone": "13904510000" if initial else "",
            "level": str(p.level),
            "qualification_number": "ZJ-ZM-2" if initial else "",
            "qualification_date": "2020-06-01" if initial else "",
            "projects": [project.pk for project in p.projects],
            "target_certificate": p.target.pk if p.target else "",
        },
        projects=MetrologyProject.objects.filter(is_active=True),
        project_groups=[],
        certificates=RegistrationCertificate.objects.all(),
    )
    assert form.is_valid(), form.errors
    try:
        batch_add_applicant(
            batch=BatchFactory(employer=w.employer), data=form.cleaned_data, by=w.clerk, on=DAY
        )
    except RowsRejected as rejected:
        return {code for problem in rejected.problems for code in problem.codes}
    return set()


def _sheet(w: World, p: Prepared) -> SimpleUploadedFile:
    initial = p.kind == K.INITIAL
    row = [
        w.person.name,
        w.person.id_number,
        "13904510000" if initial else "",
        LEVEL_LABELS[p.level],
        "ZJ-ZM-2" if initial else "",
        "2020-06-01" if initial else "",
        "、".join(project.code for project in p.projects),
        ApplicationKind(p.kind).sheet_label,
        p.target.number if p.target else "",
    ]
    return SimpleUploadedFile("applicants.xlsx", sheet_xlsx([row]))


def through_the_sheet_check(w: World, p: Prepared) -> set[str]:
    result = sheet_check(employer=w.employer, file=_sheet(w, p), on=DAY)
    return {code for error in result.errors for code in error.codes}


def through_the_sheet_import(w: World, p: Prepared) -> set[str]:
    parsed = parse_sheet(_sheet(w, p))
    assert parsed.ok, parsed.errors
    try:
        batch_import_rows(batch=BatchFactory(employer=w.employer), rows=parsed.rows, by=w.clerk, on=DAY)
    except RowsRejected as rejected:
        return {code for problem in rejected.problems for code in problem.codes}
    return set()


def _draft(w: World, p: Prepared):
    return ApplicationFactory(
        kind=p.kind,
        person=w.person,
        employer=w.employer,
        level=p.level,
        projects=p.projects,
        target_certificate=p.target,
        batch=BatchFactory(employer=w.employer),
    )


def through_the_application(w: World, p: Prepared) -> set[str]:
    return {problem.code for problem in application_eligibility_problems(_draft(w, p), on=DAY)}


def through_submission(w: World, p: Prepared) -> set[str]:
    """The submission refuses exactly when the application's check finds a problem, saying each one."""
    application = _draft(w, p)
    attach_required(application)
    problems = application_eligibility_problems(application, on=DAY)
    if problems:
        with pytest.raises(ValidationError) as refused:
            application_submit(application=application, by=w.clerk)
        assert {problem.message for problem in problems} <= set(refused.value.messages)
    else:
        assert application_submit(application=application, by=w.clerk).state == ApplicationState.SUBMITTED
    return {problem.code for problem in problems}


PATHS = {
    "form": through_the_form,
    "spreadsheet check": through_the_sheet_check,
    "spreadsheet import": through_the_sheet_import,
    "application": through_the_application,
    "submission": through_submission,
}


@pytest.mark.parametrize("name", CASES)
def test_every_path_finds_the_same_problems(world, name):
    case = CASES[name]
    prepared = prepare(world, case)
    found = {path: _rolled_back(lambda run=run: run(world, prepared)) for path, run in PATHS.items()}
    assert found == dict.fromkeys(PATHS, case.expected), name


def test_the_intake_answers_with_one_message_what_the_record_would_tell(world):
    """The form and the sheet name the codes but tell the clerk one answer (issue 11); the application's
    own check, read by the association, says which."""
    prepared = prepare(world, CASES["a project without a valid assessment"])
    with pytest.raises(RowsRejected) as rejected:
        batch_add_applicant(
            batch=BatchFactory(employer=world.employer),
            data={
                "kind": K.INITIAL,
                "name": world.person.name,
                "id_number": world.person.id_number,
                "phone": "13904510000",
                "level": Level.TWO,
                "qualification_number": "ZJ-ZM-2",
                "qualification_date": dt.date(2020, 6, 1),
                "projects": prepared.projects,
            },
            by=world.clerk,
            on=DAY,
        )
    (problem,) = rejected.value.problems
    assert problem.codes == ("project_without_assessment",)
    assert "天平" not in problem.message
    told = application_eligibility_problems(_draft(world, prepared), on=DAY)
    assert ["天平" in p.message for p in told] == [True]


# --- set-based: the same queries for 3 rows as for 20 ------------------------------------------------
def _candidates(w: World, n: int) -> list[Candidate]:
    """n people of the employer, each with a qualification, a valid certificate and an assessment in a
    project of their own; their rows cycle through every way the rules read: an initial registration by
    identity, a renewal by certificate number, a change of name on the certificate held, a change of
    specialty by certificate id."""
    kinds = [K.INITIAL, K.RENEWAL, K.CHANGE_EMPLOYER_NAME, K.CHANGE_SPECIALTY]
    start = MetrologyProject.objects.count()
    candidates = []
    for i in range(n):
        person = PersonFactory()
        project = MetrologyProjectFactory(code=f"99.{start + i:03d}")
        QualificationCertificateFactory(person=person, level=Level.ONE)
        AssessmentCertificateFactory(person=person, projects=[project], issued_on=dt.date(2025, 1, 1))
        certificate = certificate_of(w, person=person)
        kind = kinds[i % len(kinds)]
        candidates.append(
            Candidate(
                row=i + 2,
                kind=kind,
                level=Level.ONE if kind == K.INITIAL else Level.TWO,
                employer=w.employer,
                id_number=person.id_number,
                name=person.name,
                project_codes=(project.code,) if kind in (K.INITIAL, K.CHANGE_SPECIALTY) else (),
                target_certificate_id=certificate.pk if kind == K.CHANGE_SPECIALTY else None,
                target_certificate_number=certificate.number if kind == K.RENEWAL else "",
                target_from_holder=True,
            )
        )
    return candidates


def _queries(candidates: list[Candidate]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        eligibility_problems(candidates, on=DAY)
    return [q["sql"] for q in captured.captured_queries]


def test_the_rules_cost_the_same_queries_for_3_rows_as_for_20(world):
    three, twenty = _candidates(world, 3), _candidates(world, 20)
    eligibility_problems(three, on=DAY)  # the working-day calendar is loaded once per process
    assert len(_queries(three)) == len(_queries(twenty)) <= 9


def test_every_problem_of_20_rows_is_found_in_the_same_queries_as_of_3(world, django_assert_num_queries):
    """Problems do not cost queries either: 20 rows that each break a rule read no more than 3 clean ones."""
    clean = _candidates(world, 3)
    expected = len(_queries(clean))
    broken = [
        Candidate(**{**c.__dict__, "name": "别人", "project_codes": ("12.902", f"XX.{c.row:03d}")})
        for c in _candidates(world, 20)
    ]
    with django_assert_num_queries(expected):
        problems = eligibility_problems(broken, on=DAY)
    assert {p.code for p in problems} >= {"name_mismatch", "unknown_project", "project_without_assessment"}
