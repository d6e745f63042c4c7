"""Recording participants by spreadsheet: a check names every bad row and saves nothing; a clean file is
previewed and saved on confirmation, all rows or none; hostile files are refused."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from registry import sheet_store
from tests.factories import EmployerFactory, PersonFactory
from training.models import Participation

from .portal import activity, clerk_of, holder, pdf_bytes, record, xlsx

pytestmark = pytest.mark.django_db
D = Decimal


def upload(client, course, data: bytes, name="参加人员.xlsx"):
    return client.post(
        reverse("training:sheet_upload", args=[course.pk]), {"file": SimpleUploadedFile(name, data)}
    )


def test_the_template_has_the_three_columns_text_ids_and_no_formula(client, today):
    client.force_login(clerk_of())
    response = client.get(reverse("training:sheet_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == ["姓名", "公民身份号码", "学时"]
    assert sheet["B2"].number_format == "@"
    for each in workbook.worksheets:
        for row in each.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate


def test_a_clean_file_is_previewed_then_saved_on_confirmation(client, today):
    clerk = clerk_of()
    staff = [holder(clerk.employer) for _ in range(30)]
    course = activity(clerk.employer, hours="30")
    client.force_login(clerk)
    rows = [[h.person.name, h.person.id_number, 30 if i % 2 else "24.5"] for i, h in enumerate(staff)]

    checked = upload(client, course, xlsx(rows))

    assert checked.status_code == 200
    assert checked.context["sheet"].ok
    assert len(checked.context["sheet"].rows) == 30
    assert not Participation.objects.exists()
    page = checked.content.decode()
    assert staff[0].person.masked_id_number in page
    assert staff[0].person.id_number not in page

    saved = client.post(
        reverse("training:sheet_confirm", args=[course.pk]), {"token": checked.context["token"]}
    )
    assert saved.status_code == 302
    assert Participation.objects.filter(activity=course, employer=clerk.employer).count() == 30
    assert Participation.objects.get(person=staff[0].person).hours == D("24.5")

    again = client.post(
        reverse("training:sheet_confirm", args=[course.pk]), {"token": checked.context["token"]}
    )
    assert again.status_code == 302  # the kept file is gone: nothing twice
    assert Participation.objects.count() == 30


def test_every_bad_row_is_named_and_nothing_is_saved(client, today):
    clerk = clerk_of()
    employer = clerk.employer
    good, recorded, named = holder(employer), holder(employer), holder(employer)
    lapsed = holder(employer, valid_from=dt.date(2019, 1, 1), valid_until=dt.date(2023, 12, 31))
    stranger = holder(EmployerFactory())
    nobody = PersonFactory.build()
    course = activity(employer, hours="30")
    record(course, employer, [(recorded.person, "30")])
    client.force_login(clerk)
    rows = [
        [good.person.name, good.person.id_number, 30],  # row 2: fine
        [nobody.name, nobody.id_number, 30],  # 3: unknown person
        ["王错名", named.person.id_number, 30],  # 4: name does not match the ID number
        [stranger.person.name, stranger.person.id_number, 30],  # 5: another employer's holder
        [lapsed.person.name, lapsed.person.id_number, 30],  # 6: not in force on the last day
        [good.person.name, good.person.id_number, 30],  # 7: twice in the file
        [recorded.person.name, recorded.person.id_number, 30],  # 8: already recorded
        [named.person.name, named.person.id_number, 31],  # 9: more than the activity's hours
        [named.person.name, named.person.id_number, "2.2"],  # 10: not a half-hour step (and twice)
        ["", "", ""],  # blank: skipped
        [good.person.name, "230102198001011230", 8],  # 12: wrong check character
    ]

    response = upload(client, course, xlsx(rows))

    sheet = response.context["sheet"]
    assert not sheet.ok
    assert response.context["token"] is None
    assert {e.row for e in sheet.errors} == {3, 4, 5, 6, 7, 8, 9, 10, 12}
    assert [r.row for r in sheet.rows] == [2]
    # An unknown number and another employer's holder get the same answer (no registry oracle).
    by_row = {e.row: e.message for e in sheet.errors}
    assert by_row[3] == by_row[5]
    assert stranger.person.name not in response.content.decode()
    assert Participation.objects.count() == 1  # only the one recorded before


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://evil.example","点我")', "@SUM(A1)", "+cmd|' /C calc'!A0", " =1+1"],
)
def test_a_formula_in_any_cell_makes_its_row_bad(client, today, cell):
    clerk = clerk_of()
    person = holder(clerk.employer).person
    course = activity(clerk.employer)
    client.force_login(clerk)
    response = upload(client, course, xlsx([[cell, person.id_number, 30]]))
    sheet = response.context["sheet"]
    assert [e.row for e in sheet.errors] == [2]
    assert not Participation.objects.exists()


def test_full_width_digits_in_the_id_number_and_hours_are_read_as_digits(client, today):
    clerk = clerk_of()
    person = holder(clerk.employer).person
    course = activity(clerk.employer, hours="30")
    client.force_login(clerk)
    wide = person.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))

    response = upload(client, course, xlsx([[person.name, wide, "２８．５"]]))

    assert response.context["sheet"].ok, response.context["sheet"].errors
    assert response.context["sheet"].rows[0].hours == D("28.5")


def test_an_id_number_stored_as_a_number_is_refused(client, today):
    clerk = clerk_of()
    person = holder(clerk.employer).person
    course = activity(clerk.employer)
    client.force_login(clerk)
    response = upload(client, course, xlsx([[person.name, int(person.id_number[:17]), 30]]))
    assert [e.column for e in response.context["sheet"].errors] == ["公民身份号码"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (pdf_bytes(), "参加人员.xlsx"),  # a PDF renamed
        (b"\xd0\xcf\x11\xe0old excel", "参加人员.xls"),
        (b"", "参加人员.csv"),
        (xlsx([["张三", "x", 1]], header=("名字", "号码", "小时")), "参加人员.xlsx"),  # not the template
    ],
)
def test_a_file_that_is_not_the_template_is_refused_whole(client, today, data, name):
    clerk = clerk_of()
    course = activity(clerk.employer)
    client.force_login(clerk)
    response = upload(client, course, data, name=name)
    assert response.status_code == 200
    assert response.context["refused"]
    assert response.context["sheet"] is None
    assert not Participation.objects.exists()


def test_a_zip_bomb_is_refused_without_unpacking(client, today, settings):
    settings.REGISTRY_MAX_SHEET_UNPACKED_BYTES = 1024 * 1024
    clerk = clerk_of()
    course = activity(clerk.employer)
    client.force_login(clerk)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (5 * 1024 * 1024))
    response = upload(client, course, out.getvalue())
    assert response.context["refused"]


def test_a_csv_in_gbk_is_read(client, today):
    clerk = clerk_of()
    person = holder(clerk.employer).person
    course = activity(clerk.employer)
    client.force_login(clerk)
    data = f"姓名,公民身份号码,学时\n{person.name},{person.id_number},12\n".encode("gbk")
    response = upload(client, course, data, name="参加人员.csv")
    assert response.context["sheet"].ok


def test_a_token_kept_for_another_activity_or_a_batch_opens_nothing(client, today):
    clerk = clerk_of()
    person = holder(clerk.employer).person
    first, second = activity(clerk.employer), activity(clerk.employer)
    client.force_login(clerk)
    token = upload(client, first, xlsx([[person.name, person.id_number, 30]])).context["token"]
    batch_token = sheet_store.sheet_keep(
        xlsx([[person.name, person.id_number, 30]]), name="x.xlsx", batch_id=second.pk, user_id=clerk.pk
    )

    for used in (token, batch_token):
        response = client.post(
            reverse("training:sheet_confirm", args=[second.pk]), {"token": used}, follow=True
        )
        assert _(
            "The checked file is no longer available (it expires after two hours). Upload it again."
        ) in (response.content.decode())
    assert not Participation.objects.exists()


def test_a_row_that_went_bad_since_the_check_saves_nothing(client, today):
    """The kept file is checked again on saving: someone recorded meanwhile makes the whole file wait."""
    clerk = clerk_of()
    first, second = holder(clerk.employer), holder(clerk.employer)
    course = activity(clerk.employer)
    client.force_login(clerk)
    rows = [[h.person.name, h.person.id_number, 30] for h in (first, second)]
    token = upload(client, course, xlsx(rows)).context["token"]
    record(course, clerk.employer, [(second.person, "30")])

    response = client.post(reverse("training:sheet_confirm", args=[course.pk]), {"token": token})

    assert response.status_code == 200
    assert not response.context["sheet"].ok
    assert [e.row for e in response.context["sheet"].errors] == [3]
    assert Participation.objects.count() == 1


def test_an_unverified_employer_cannot_upload(client, today):
    clerk = clerk_of(suspended=True)
    course = activity(clerk.employer)
    client.force_login(clerk)
    response = upload(client, course, xlsx([["张三", "230102198001011237", 1]]))
    assert response.status_code == 302
    assert not Participation.objects.exists()


def test_checking_takes_as_many_queries_for_20_rows_as_for_3(client, today):
    counts = []
    for size in (3, 20):
        clerk = clerk_of()
        staff = [holder(clerk.employer) for _ in range(size)]
        course = activity(clerk.employer)
        client.force_login(clerk)
        data = xlsx([[h.person.name, h.person.id_number, 30] for h in staff])
        with CaptureQueriesContext(connection) as captured:
            response = upload(client, course, data)
        assert response.context["sheet"].ok
        counts.append(len(captured))
    assert counts[0] == counts[1]
