"""A spreadsheet row of a change, renewal or cancellation that leaves the certificate number out acts on the
certificate the person holds of that level through the employer, valid on the day (issue 13: deleting
this lookup survived every test). The portal's form names its certificate; it never falls back on one.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Level
from registry.eligibility import Candidate, eligibility_problems, target_certificate_ids
from registry.services.intake import RowsRejected, batch_add_applicant, batch_import_rows, sheet_check
from registry.spreadsheets import LEVEL_LABELS, parse_sheet
from registry.workflow import ApplicationKind
from tests.factories import BatchFactory, EmployerFactory, PersonFactory
from tests.portal_files import sheet_xlsx
from tests.registry.test_eligibility_paths import DAY, World, certificate_of
from tests.registry.test_eligibility_paths import world as world  # the fixture

pytestmark = pytest.mark.django_db

K = ApplicationKind


def _row(w: World, *, kind=K.RENEWAL, level=Level.TWO, number: str = "") -> list:
    return [
        w.person.name,
        w.person.id_number,
        "",
        LEVEL_LABELS[level],
        "",
        "",
        "",
        ApplicationKind(kind).sheet_label,
        number,
    ]


def _check(w: World, *rows: list) -> list[tuple[int | None, tuple[str, ...]]]:
    result = sheet_check(
        employer=w.employer, file=SimpleUploadedFile("rows.xlsx", sheet_xlsx(list(rows))), on=DAY
    )
    return [(error.row, error.codes) for error in result.errors]


@pytest.mark.parametrize("kind", [K.RENEWAL, K.CANCELLATION, K.CHANGE_EMPLOYER_NAME])
def test_a_row_without_a_number_acts_on_the_certificate_held_through_the_employer(world, kind):
    held = certificate_of(world, valid_until=DAY + dt.timedelta(days=10))
    assert _check(world, _row(world, kind=K.RENEWAL)) == []
    parsed = parse_sheet(SimpleUploadedFile("rows.xlsx", sheet_xlsx([_row(world, kind=kind)])))
    assert parsed.ok, parsed.errors
    assert target_certificate_ids(
        [
            Candidate(
                row=2,
                kind=kind,
                level=Level.TWO,
                employer=world.employer,
                id_number=world.person.id_number,
                name=world.person.name,
                target_from_holder=True,
            )
        ],
        on=DAY,
    ) == [held.pk]


def test_the_import_stores_the_certificate_held_on_the_application(world):
    held = certificate_of(world, valid_until=DAY + dt.timedelta(days=10))
    parsed = parse_sheet(SimpleUploadedFile("rows.xlsx", sheet_xlsx([_row(world)])))
    (application,) = batch_import_rows(
        batch=BatchFactory(employer=world.employer), rows=parsed.rows, by=world.clerk, on=DAY
    )
    assert application.target_certificate_id == held.pk


@pytest.mark.parametrize(
    "held",
    {
        "held through another employer": lambda w: certificate_of(w, employer=EmployerFactory()),
        "of the other level": lambda w: certificate_of(w, level=Level.ONE),
        "whose last valid day has passed (not yet swept)": lambda w: certificate_of(
            w, valid_until=DAY - dt.timedelta(days=1)
        ),
        "of another person": lambda w: certificate_of(w, person=w.other_person),
    }.items(),
    ids=lambda item: item[0],
)
def test_no_certificate_is_held_when_the_only_one_is(world, held):
    """Not the employer's, not the level's, not valid on the day, not the person's: none to act on."""
    held[1](world)
    assert _check(world, _row(world)) == [(2, ("no_certificate",))]


def test_a_row_for_someone_not_on_record_holds_no_certificate(world):
    certificate_of(world)
    stranger = PersonFactory.build(name="孙立")
    row = _row(world)
    row[:2] = [stranger.name, stranger.id_number]
    assert _check(world, row) == [(2, ("no_certificate",))]


def test_the_form_never_falls_back_on_the_certificate_held(world):
    """The form names the certificate: naming none is a problem even when the person holds one."""
    certificate_of(world, valid_until=DAY + dt.timedelta(days=10))
    with pytest.raises(RowsRejected) as rejected:
        batch_add_applicant(
            batch=BatchFactory(employer=world.employer),
            data={
                "kind": K.RENEWAL,
                "name": world.person.name,
                "id_number": world.person.id_number,
                "level": Level.TWO,
                "target_certificate": None,
            },
            by=world.clerk,
            on=DAY,
        )
    assert [p.codes for p in rejected.value.problems] == [("no_certificate",)]


def test_target_certificate_ids_takes_any_iterable(world):
    held = certificate_of(world)
    candidates = (
        Candidate(
            row=2,
            kind=K.CANCELLATION,
            level=Level.TWO,
            employer=world.employer,
            person_id=world.person.pk,
            target_certificate_id=held.pk,
        )
        for _ in range(1)
    )
    assert target_certificate_ids(candidates, on=DAY) == [held.pk]


def test_initial_registrations_look_up_no_certificate_to_act_on(world):
    """Only the "already holds a valid certificate" question reads certificates for initial rows: one
    query on that table, not a second one for targets that no initial row has."""
    candidate = Candidate(
        row=2,
        kind=K.INITIAL,
        level=Level.TWO,
        employer=world.employer,
        person_id=world.person.pk,
        project_codes=(world.assessed.code,),
        qualification_number="ZJ-ZM-2",
    )
    eligibility_problems([candidate], on=DAY)  # the calendar and caches are loaded
    with CaptureQueriesContext(connection) as captured:
        assert eligibility_problems([candidate], on=DAY) == []
    table = "registry_registrationcertificate"
    reads = [q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert len(reads) == 1


def test_a_row_naming_a_number_no_certificate_has_is_told_so_in_the_number_column(world):
    certificate_of(world)  # held, but the row names another number: the number is what counts
    file = SimpleUploadedFile("rows.xlsx", sheet_xlsx([_row(world, number="HLJ-ZC2-2026-99999")]))
    (error,) = sheet_check(employer=world.employer, file=file, on=DAY).errors
    assert (error.row, error.codes) == (2, ("no_certificate",))
    assert "HLJ-ZC2-2026-99999" in error.message
    assert error.column == "注册证书编号"
