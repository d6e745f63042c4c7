"""The one spreadsheet guard (registry/sheet_files.py): checks before parsing, streaming, limits, throttle.

Limits are set small through `settings` so that a file past them stays small and the tests quick.
"""

import io
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation
from openpyxl import Workbook

from common import sheet_files
from common.sheet_files import SheetRefused, read_sheet, sheet_upload_throttled


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def small_limits(settings):
    settings.REGISTRY_MAX_SHEET_ROWS = 10
    settings.REGISTRY_MAX_SHEET_BYTES = 64 * 1024
    settings.REGISTRY_MAX_SHEET_UNPACKED_BYTES = 256 * 1024
    return settings


def xlsx_rows(rows: int, *, width: int = 3) -> SimpleUploadedFile:
    """A header and `rows` rows, written streaming (openpyxl write-only), as a script would."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成绩")
    sheet.append([f"列{c}" for c in range(width)])
    for r in range(rows):
        sheet.append([r, r * 2, r * 3][:width])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("many.xlsx", out.getvalue())


def zip_bomb(unpacked_bytes: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * unpacked_bytes)
    return SimpleUploadedFile("bomb.xlsx", out.getvalue())


def test_a_sheet_within_the_limits_is_read_row_by_row(small_limits):
    rows = list(read_sheet(xlsx_rows(10)))

    assert len(rows) == 11
    assert rows[0] == (1, ["列0", "列1", "列2"])
    assert rows[-1] == (11, [9, 18, 27])


def test_rows_past_the_limit_refuse_the_file_at_the_first_row_too_many(small_limits):
    """Read streaming: the rows before the limit arrive as they are read, and reading stops at the first
    row past it, however many the file has."""
    small_limits.REGISTRY_MAX_SHEET_BYTES = 1024 * 1024
    small_limits.REGISTRY_MAX_SHEET_UNPACKED_BYTES = 4 * 1024 * 1024
    received = []
    with pytest.raises(SheetRefused, match="10 行"):
        received.extend(read_sheet(xlsx_rows(5_000)))

    assert len(received) == 11  # the header and the 10 allowed rows, nothing beyond


def _sheet(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("a")
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("a.xlsx", out.getvalue())


def test_blank_rows_are_skipped_and_do_not_count_as_data(small_limits):
    rows = read_sheet(_sheet([["姓名"], *[[None]] * 8, [" "], ["张三"]]))

    assert [values for _number, values in rows] == [["姓名"], ["张三"]]


def test_blank_rows_cannot_pad_a_file_without_end(small_limits):
    """Blank rows cost parsing too: past twice the row limit the file is refused, filled or not."""
    with pytest.raises(SheetRefused, match="10 行"):
        list(read_sheet(_sheet([["姓名"], *[[None]] * 30, ["张三"]])))


def test_a_row_far_below_the_rest_is_refused_without_reading_the_gap(small_limits):
    """openpyxl fills a gap in row numbers with empty rows; the budget stops that too."""
    data = io.BytesIO()
    with zipfile.ZipFile(xlsx_rows(1)) as source, zipfile.ZipFile(data, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'
                )
            target.writestr(item, body)

    with pytest.raises(SheetRefused, match="10 行"):
        list(read_sheet(SimpleUploadedFile("gap.xlsx", data.getvalue())))


def test_a_zip_bomb_is_refused_from_its_directory_before_any_parsing(small_limits):
    bomb = zip_bomb(50 * 1024 * 1024)
    assert bomb.size < 100 * 1024

    with (
        mock.patch("openpyxl.load_workbook", side_effect=AssertionError("parsed")) as load,
        pytest.raises(SheetRefused, match="解压"),
    ):
        read_sheet(bomb)
    load.assert_not_called()


def test_a_file_over_the_size_limit_is_refused_by_its_declared_size_before_reading(small_limits):
    upload = mock.Mock(size=65 * 1024)
    upload.name = "big.xlsx"

    with pytest.raises(SheetRefused, match="1 MB"):
        read_sheet(upload)
    upload.read.assert_not_called()


def test_a_file_that_lies_about_its_size_is_read_only_to_the_limit(small_limits):
    data = io.BytesIO(b"a,b\n" * 40_000)  # 160 KB, no declared size
    data.name = "lies.csv"

    with pytest.raises(SheetRefused, match="MB"):
        read_sheet(data)


def test_a_csv_with_too_many_lines_is_refused_before_the_csv_module_reads_it(small_limits):
    text = "姓名,身份证号\n" + "张三,1\n" * 100

    with (
        mock.patch.object(sheet_files.csv, "reader", side_effect=AssertionError("parsed")) as reader,
        pytest.raises(SheetRefused, match="10 行"),
    ):
        read_sheet(SimpleUploadedFile("a.csv", text.encode()))
    reader.assert_not_called()


def test_a_csv_in_gbk_and_a_row_of_many_cells_are_read_within_bounds(small_limits):
    text = "姓名,身份证号\n张三," + ",".join("x" * 5 for _ in range(500)) + "\n"

    rows = list(read_sheet(SimpleUploadedFile("a.csv", text.encode("gbk"))))

    assert rows[0] == (1, ["姓名", "身份证号"])
    assert len(rows[1][1]) == sheet_files.MAX_COLUMNS


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xlsx"),
        ("fake.xlsx", b"PK\x03\x04garbage", "损坏"),
        ("empty.csv", b"   \n", "空"),
        ("bad.csv", b"\xff\xfe\xfa\xfb" * 10, "CSV"),
    ],
)
def test_files_that_are_not_sheets_are_refused_with_a_reason(small_limits, name, data, message):
    with pytest.raises(SheetRefused, match=message):
        list(read_sheet(SimpleUploadedFile(name, data)))


def test_an_encrypted_workbook_is_refused_with_what_to_do(small_limits):
    data = bytearray(xlsx_rows(1).read())
    # Set the "encrypted" flag of every entry in the central directory.
    position = data.find(b"PK\x01\x02")
    while position != -1:
        data[position + 8] |= 0x1
        position = data.find(b"PK\x01\x02", position + 4)

    with pytest.raises(SheetRefused, match="密码"):
        read_sheet(SimpleUploadedFile("locked.xlsx", bytes(data)))


@pytest.mark.django_db
def test_uploads_are_counted_per_user_and_refused_past_the_rate(settings, enterprise_user, association_user):
    settings.REGISTRY_SHEET_UPLOAD_RATE = "2/h"
    factory = RequestFactory()

    def upload(user):
        request = factory.post("/any/")
        request.user = user
        return sheet_upload_throttled(request)

    assert [upload(enterprise_user) for _ in range(3)] == [False, False, True]
    assert upload(association_user) is False  # another user has a budget of their own


@pytest.mark.django_db
def test_the_limit_lets_uploads_through_when_the_cache_is_down(enterprise_user):
    request = RequestFactory().post("/any/")
    request.user = enterprise_user

    with mock.patch("django_ratelimit.core.is_ratelimited", side_effect=ConnectionError("cache down")):
        assert sheet_upload_throttled(request) is False
