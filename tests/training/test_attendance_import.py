"""An activity's attendance list, imported by association staff: every bad row named by its number in
Chinese, a file with any problem saves nothing, hostile files are refused, then every row is saved."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from audit.models import Action, AuditEvent
from tests.factories import PersonFactory
from tests.training.admin_helpers import D, activity, entries, holder, xlsx
from training.attendance import attendance_check
from training.models import Participation, ParticipationState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_upload_budget():
    """The per-user upload limit counts in the cache, which outlives a test: each test starts afresh."""
    cache.clear()


@pytest.fixture
def assoc(client, association_user):
    client.force_login(association_user)
    return client


def _upload(client, act, file):
    return client.post(reverse("admin:training_activity_attendance_import", args=[act.pk]), {"file": file})


def _token(response) -> str:
    html = response.content.decode()
    marker = 'name="token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_a_good_list_previews_then_saves_every_row_awaiting_confirmation(assoc, association_user):
    act = activity(hours="16")
    people = [holder().person for _ in range(3)]
    preview = _upload(
        assoc,
        act,
        xlsx(
            [(p.name, p.id_number, 16) for p in people[:2]] + [(people[2].name, people[2].id_number, "7.5")]
        ),
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'data-testid="import-preview"' in html
    assert people[0].masked_id_number in html
    assert people[0].id_number not in html
    assert not Participation.objects.exists()

    done = assoc.post(
        reverse("admin:training_activity_attendance_confirm", args=[act.pk]), {"token": _token(preview)}
    )
    assert done.status_code == 302
    saved = {p.person_id: p for p in Participation.objects.all()}
    assert set(saved) == {p.pk for p in people}
    assert saved[people[2].pk].hours == D("7.5")
    assert {p.state for p in saved.values()} == {ParticipationState.RECORDED}
    assert AuditEvent.objects.filter(action=Action.RECORD_CHANGED, target_id=str(act.pk)).exists()


def test_each_participant_is_recorded_for_the_employer_their_registration_names(assoc):
    act = activity(hours="8")
    cert = holder()
    preview = _upload(assoc, act, xlsx([(cert.person.name, cert.person.id_number, 8)]))
    assoc.post(
        reverse("admin:training_activity_attendance_confirm", args=[act.pk]), {"token": _token(preview)}
    )
    assert Participation.objects.get().employer_id == cert.employer_id


def test_every_bad_row_is_named_in_chinese_and_nothing_is_saved(assoc):
    act = activity(hours="8")
    good, stranger_name, recorded = holder().person, holder().person, holder().person
    entries(act, [recorded], hours="8")
    unknown = PersonFactory.build().id_number  # a valid number of no one on record
    rows = [
        (good.name, good.id_number, 8),  # row 2: fine
        ("某某某", unknown, 8),  # row 3: unknown number
        ("李错名", stranger_name.id_number, 8),  # row 4: name does not match
        (good.name, good.id_number, 4),  # row 5: duplicate of row 2
        (stranger_name.name, stranger_name.id_number, "3.3"),  # row 6: not half-hour steps
        (stranger_name.name, stranger_name.id_number, 9),  # row 7: more than the activity (and duplicate)
        (recorded.name, recorded.id_number, 8),  # row 8: already recorded
        ("张三", "230102199001011235", 8),  # row 9: wrong check character
    ]
    check = attendance_check(activity=act, file=xlsx(rows))
    assert sorted({p.row for p in check.problems}) == [3, 4, 5, 6, 7, 8, 9]
    with translation.override("zh-hans"):
        response = _upload(assoc, act, xlsx(rows))
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert 'name="token"' not in html  # no confirmation offered
    assert "未知的身份证号：登记系统中没有此人。" in html  # the reasons in Chinese
    assert Participation.objects.count() == 1  # only the one recorded before
    assert good.id_number not in html
    assert unknown not in html


def test_the_problems_by_row(assoc):
    act = activity(hours="8")
    good, other = holder().person, holder().person
    check = attendance_check(
        activity=act,
        file=xlsx(
            [
                (good.name, good.id_number, 8),
                (good.name, good.id_number, 8),
                (other.name, other.id_number, 8.5),
            ]
        ),
    )
    assert [(p.row, p.column) for p in check.problems] == [(3, "公民身份号码"), (4, "学时")]
    assert not check.ok


def test_a_formula_in_a_name_is_refused_and_never_saved(assoc):
    act = activity(hours="8")
    person = holder().person
    response = _upload(assoc, act, xlsx([('=HYPERLINK("http://x","点我")', person.id_number, 8)]))
    assert 'data-testid="import-errors"' in response.content.decode()
    assert not Participation.objects.exists()


def test_a_file_missing_a_column_is_refused_whole(assoc):
    act = activity()
    person = holder().person
    response = _upload(assoc, act, xlsx([(person.name, person.id_number)], headers=("姓名", "公民身份号码")))
    assert 'data-testid="import-refused"' in response.content.decode()
    assert not Participation.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(assoc):
    act = activity()
    junk = io.BytesIO(b"PK\x03\x04 not really a zip at all" * 10)
    junk.name = "list.xlsx"
    response = _upload(assoc, act, junk)
    assert 'data-testid="import-refused"' in response.content.decode()
    assert not Participation.objects.exists()


def test_a_forged_or_foreign_token_saves_nothing(assoc, client, association_user):
    act, other = activity(hours="8"), activity(hours="8")
    person = holder().person
    preview = _upload(assoc, act, xlsx([(person.name, person.id_number, 8)]))
    token = _token(preview)
    assoc.post(reverse("admin:training_activity_attendance_confirm", args=[other.pk]), {"token": token})
    assoc.post(reverse("admin:training_activity_attendance_confirm", args=[act.pk]), {"token": token + "x"})
    assert not Participation.objects.exists()


def test_rows_recorded_meanwhile_make_the_confirmation_save_nothing(assoc):
    act = activity(hours="8")
    first, second = holder().person, holder().person
    preview = _upload(
        assoc, act, xlsx([(first.name, first.id_number, 8), (second.name, second.id_number, 8)])
    )
    entries(act, [second], hours="8")  # someone recorded it between preview and confirmation
    response = assoc.post(
        reverse("admin:training_activity_attendance_confirm", args=[act.pk]), {"token": _token(preview)}
    )
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in response.content.decode()
    assert list(Participation.objects.values_list("person_id", flat=True)) == [second.pk]


def test_an_employers_activity_takes_no_import_here(assoc):
    cert = holder()
    act = activity(employer=cert.employer)
    response = _upload(assoc, act, xlsx([(cert.person.name, cert.person.id_number, 8)]))
    assert response.status_code == 403


def test_the_template_has_the_columns(assoc):
    from openpyxl import load_workbook

    response = assoc.get(reverse("admin:training_activity_attendance_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["姓名", "公民身份号码", "学时"]


def test_uploads_past_the_per_user_limit_are_refused_before_reading(assoc, settings):
    settings.REGISTRY_SHEET_UPLOAD_RATE = "1/h"
    act = activity(hours="8")
    person = holder().person
    assert _upload(assoc, act, xlsx([(person.name, person.id_number, 8)])).status_code == 200
    again = _upload(assoc, act, xlsx([(person.name, person.id_number, 8)]))
    assert again.status_code == 429
    assert 'name="token"' not in again.content.decode()
