"""Issue 14, item 12: employer B cannot add a person who has a submitted application of the same level in
progress with employer A, and B's add form does not reveal it (nor that the ID number is on record, nor
which projects the person passed): the refusal is the one neutral answer of the intake (issue 11), the same
as for a wrong name or an unknown number.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from people.models import Level
from registry.eligibility import application_eligibility_problems
from registry.models import Application
from registry.services import applications as services
from registry.services.intake import RowsRejected, batch_import_rows, sheet_check
from registry.spreadsheets import parse_sheet, record_mismatch_message
from registry.workflow import ApplicationState
from tests.factories import (
    ApplicationFactory,
    BatchFactory,
    EmployerFactory,
    PersonFactory,
    QualificationCertificateFactory,
    UserFactory,
    valid_resident_id,
)
from tests.factories.exams import AssessmentCertificateFactory, MetrologyProjectFactory
from tests.portal_files import sheet_xlsx
from tests.registry.conftest import MONDAY, attach_required

pytestmark = pytest.mark.django_db
CODE = "application_in_progress_elsewhere"


@pytest.fixture
def world(monday):
    a, b = EmployerFactory(name="松花江仪表厂"), EmployerFactory(name="牡丹江衡器厂")
    person = PersonFactory(name="李雷")
    QualificationCertificateFactory(person=person, level=Level.TWO, number="ZJ-LL-2")
    project = MetrologyProjectFactory(code="12.901", name="压力表")
    AssessmentCertificateFactory(person=person, projects=[project], issued_on=dt.date(2025, 1, 1))
    clerk = UserFactory(username="clerk-b", role=Role.ENTERPRISE, employer=b)
    return {"a": a, "b": b, "person": person, "project": project, "clerk": clerk}


def _at_a(world, **state) -> Application:
    level = state.pop("level", Level.TWO)
    return ApplicationFactory(
        person=world["person"], employer=world["a"], level=level, projects=[world["project"]], **state
    )


def _data(world, *, name=None, id_number=None, level="2"):
    return {
        "kind": "initial",
        "name": name or world["person"].name,
        "id_number": id_number or world["person"].id_number,
        "phone": "13904510000",
        "level": level,
        "qualification_number": "ZJ-LL-2",
        "qualification_date": "2020-06-01",
        "projects": [world["project"].pk],
    }


def _form_errors(client, world, data) -> list[str]:
    batch = BatchFactory(employer=world["b"])
    response = client.post(reverse("portal:applicant_add", args=[batch.pk]), data)
    if response.status_code == 302:
        return []
    return [m for messages in response.context["form"].errors.values() for m in messages]


def test_b_cannot_add_a_person_with_a_submitted_application_at_a(world, client):
    theirs = _at_a(world, submitted=True)
    client.force_login(world["clerk"])
    errors = _form_errors(client, world, _data(world))
    assert errors == [record_mismatch_message()]
    assert theirs.number not in errors[0]
    assert world["a"].name not in errors[0]
    assert not Application.objects.filter(employer=world["b"]).exists()


def test_the_answer_is_the_same_as_for_a_wrong_name_or_an_unknown_number(world, client):
    _at_a(world, accepted=True)
    client.force_login(world["clerk"])
    answers = {
        "in progress at A": _form_errors(client, world, _data(world)),
        "wrong name": _form_errors(client, world, _data(world, name="韩梅梅")),
        "unknown number": _form_errors(client, world, _data(world, id_number=valid_resident_id(serial=779))),
    }
    assert len({tuple(a) for a in answers.values()}) == 1, answers
    assert answers["in progress at A"] == [record_mismatch_message()]


def _sheet(world):
    row = [world["person"].name, world["person"].id_number, "13904510000", "二级", "ZJ-LL-2"]
    row += ["2020-06-01", world["project"].code, "初始注册"]
    return SimpleUploadedFile("applicants.xlsx", sheet_xlsx([row]))


def test_the_spreadsheet_paths_refuse_it_with_the_same_neutral_answer(world):
    _at_a(world, corrections_requested=True)
    result = sheet_check(employer=world["b"], file=_sheet(world), on=MONDAY)
    assert [(e.codes, e.message) for e in result.errors] == [((CODE,), record_mismatch_message())]
    with pytest.raises(RowsRejected) as excinfo:
        batch_import_rows(
            batch=BatchFactory(employer=world["b"]),
            rows=parse_sheet(_sheet(world)).rows,
            by=world["clerk"],
            on=MONDAY,
        )
    assert [p.codes for p in excinfo.value.problems] == [(CODE,)]
    assert not Application.objects.filter(employer=world["b"]).exists()


@pytest.mark.parametrize(
    "theirs",
    [
        {"state": ApplicationState.DRAFT},  # not submitted: A cannot block a person by drafting
        {"withdrawn": True},
        {"not_accepted": True},
        {"denied": True},
        {"submitted": True, "level": Level.ONE},  # another level
    ],
)
def test_what_does_not_block(world, client, theirs):
    _at_a(world, **theirs)
    client.force_login(world["clerk"])
    assert _form_errors(client, world, _data(world)) == []
    assert Application.objects.filter(employer=world["b"]).count() == 1


def test_bs_earlier_draft_is_refused_at_submission_and_as_only_the_earlier_one_goes_ahead(
    world, association_user
):
    ours = ApplicationFactory(
        person=world["person"], employer=world["b"], level=Level.TWO, projects=[world["project"]]
    )
    attach_required(ours)
    theirs = _at_a(world, submitted=True)  # A submits first
    assert [p.code for p in application_eligibility_problems(ours, on=MONDAY)] == [CODE]
    with pytest.raises(ValidationError) as excinfo:
        services.application_submit(application=ours, by=world["clerk"])
    assert Application.objects.get(pk=ours.pk).state == ApplicationState.DRAFT
    assert {e.code for e in excinfo.value.error_list} == {"not_ready"}
    # A's application is not blocked by B's later draft (nor would it be by B's later submission).
    assert [p.code for p in application_eligibility_problems(theirs, on=MONDAY)] == []


def test_who_came_first_is_told_by_the_day_received_not_by_the_order_created(world):
    # B's application was created first but received a day after A's: A's goes ahead, B's waits.
    ours = ApplicationFactory(
        person=world["person"],
        employer=world["b"],
        level=Level.TWO,
        projects=[world["project"]],
        submitted=True,
        received_on=MONDAY + dt.timedelta(days=1),
    )
    theirs = _at_a(world, submitted=True, received_on=MONDAY)
    assert ours.pk < theirs.pk
    assert [p.code for p in application_eligibility_problems(theirs, on=MONDAY)] == []
    assert [p.code for p in application_eligibility_problems(ours, on=MONDAY)] == [CODE]


def test_received_the_same_day_the_one_created_first_goes_ahead(world):
    theirs = _at_a(world, submitted=True, received_on=MONDAY)
    ours = ApplicationFactory(
        person=world["person"],
        employer=world["b"],
        level=Level.TWO,
        projects=[world["project"]],
        submitted=True,
        received_on=MONDAY,
    )
    assert theirs.pk < ours.pk
    assert [p.code for p in application_eligibility_problems(theirs, on=MONDAY)] == []
    assert [p.code for p in application_eligibility_problems(ours, on=MONDAY)] == [CODE]
