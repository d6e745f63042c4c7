"""Batch spreadsheets: the template, the parser (xlsx, csv in UTF-8/GBK), hostile files, registry checks."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from exams.models import MetrologyCategory, MetrologyProject
from people.models import Level, Person
from registry.services.intake import batch_rows_problems
from registry.spreadsheets import (
    COLUMNS,
    SheetRefused,
    build_template,
    parse_sheet,
    record_mismatch_message,
)
from registry.workflow import ApplicationKind
from tests.factories import BatchFactory, PersonFactory, QualificationCertificateFactory, valid_resident_id

HEADER = [c.header for c in COLUMNS]
ID_A = valid_resident_id(birth=dt.date(1985, 3, 4), serial=11)
ID_B = valid_resident_id(birth=dt.date(1990, 7, 8), serial=22)


def row(**overrides) -> list:
    values = {
        "姓名": "张伟",
        "身份证号": ID_A,
        "手机号": "13904510000",
        "申请级别": "二级",
        "职业资格证书编号": "ZJ2020001",
        "资格证书取得日期": "2020-06-01",
        "申请项目代码": "P01、P02",
        "申请类型": "初始注册",
        "注册证书编号": "",
    }
    values.update(overrides)
    return [values[h] for h in HEADER]


def xlsx(rows: list[list], header: list | None = None) -> SimpleUploadedFile:
    workbook = load_workbook(io.BytesIO(build_template()))
    sheet = workbook["申请人"]
    if header is not None:
        for index, value in enumerate(header, start=1):
            sheet.cell(row=1, column=index, value=value)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("申请人.xlsx", out.getvalue())


def csv_file(rows: list[list], encoding: str = "utf-8", header: list | None = None) -> SimpleUploadedFile:
    lines = [",".join(str(v) for v in (header or HEADER))] + [
        ",".join(f'"{v}"' for v in values) for values in rows
    ]
    return SimpleUploadedFile("申请人.csv", "\r\n".join(lines).encode(encoding))


def errors_of(result) -> set[tuple]:
    return {(e.row, e.column) for e in result.errors}


# --- the template ----------
def test_the_template_has_chinese_headers_drop_downs_and_instructions():
    workbook = load_workbook(io.BytesIO(build_template()))
    assert workbook.sheetnames == ["申请人", "填写说明"]
    sheet = workbook["申请人"]
    assert [c.value for c in sheet[1]] == HEADER
    lists = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"一级,二级"' in lists
    assert any("初始注册" in f and "注销注册" in f for f in lists)
    assert sheet["B2"].number_format == "@"  # ID numbers stay text: Excel would round 18 digits
    assert "每位申请人填一行" in workbook["填写说明"]["B1"].value


def test_the_empty_template_is_refused_as_listing_no_applicants():
    with pytest.raises(SheetRefused, match="没有申请人"):
        parse_sheet(SimpleUploadedFile("t.xlsx", build_template()))


# --- reading good files ----------
def test_an_xlsx_row_is_read_into_typed_values():
    result = parse_sheet(
        xlsx(
            [
                row(),
                row(
                    身份证号=ID_B.lower(),
                    申请级别="一级",
                    申请项目代码="p03,P04",
                    资格证书取得日期=dt.date(2019, 5, 6),
                ),
            ]
        )
    )
    assert result.ok, result.errors
    first, second = result.rows
    assert (first.row, first.name, first.id_number, first.level, first.kind) == (
        2,
        "张伟",
        ID_A,
        Level.TWO,
        "initial",
    )
    assert first.project_codes == ("P01", "P02")
    assert first.qualification_date == dt.date(2020, 6, 1)
    assert (second.id_number, second.level, second.project_codes) == (ID_B, Level.ONE, ("P03", "P04"))
    assert second.qualification_date == dt.date(2019, 5, 6)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gbk(encoding):
    result = parse_sheet(
        csv_file([row(), row(身份证号=ID_B, 姓名="李娜", 申请类型="注销注册", 申请项目代码="")], encoding)
    )
    assert result.ok, result.errors
    assert [r.name for r in result.rows] == ["张伟", "李娜"]
    assert result.rows[1].kind == ApplicationKind.CANCELLATION


def test_a_file_from_the_template_before_the_certificate_number_column_still_parses():
    """The certificate number column is optional: files made from the older template keep working."""
    old_header = [h for h in HEADER if h != "注册证书编号"]
    result = parse_sheet(csv_file([row()[: len(old_header)]], header=old_header))
    assert result.ok, result.errors
    assert result.rows[0].target_certificate_number == ""


def test_the_certificate_number_is_read_when_given():
    result = parse_sheet(
        xlsx([row(申请类型="延续注册", 申请项目代码="", 注册证书编号=" hlj-zc2-2021-00007 ")])
    )
    assert result.ok, result.errors
    assert (result.rows[0].kind, result.rows[0].target_certificate_number) == (
        "renewal",
        "HLJ-ZC2-2021-00007",
    )


# --- per-row problems ----------
def test_each_bad_cell_is_reported_with_its_row_and_column():
    bad_check = ID_B[:17] + ("0" if ID_B[17] != "0" else "1")
    result = parse_sheet(
        xlsx(
            [
                row(身份证号=bad_check),  # row 2
                row(身份证号=ID_B, 姓名=""),  # row 3
                row(身份证号=valid_resident_id(serial=33), 申请级别="三级"),  # row 4
                row(身份证号=valid_resident_id(serial=44), 申请类型="变更注册"),  # row 5
                row(),  # row 6: ID_A again, first seen in row 2? no: row 2 failed its ID check
                row(姓名="张伟"),  # row 7: ID_A a second time
                row(身份证号=valid_resident_id(serial=55), 资格证书取得日期="去年"),  # row 8
                row(身份证号=valid_resident_id(serial=66), 申请项目代码="p" * 21),  # row 9
                row(身份证号=valid_resident_id(serial=77), 手机号="12345"),  # row 10
            ]
        )
    )
    assert errors_of(result) == {
        (2, "身份证号"),
        (3, "姓名"),
        (4, "申请级别"),
        (5, "申请类型"),
        (7, "身份证号"),
        (8, "资格证书取得日期"),
        (9, "申请项目代码"),
        (10, "手机号"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "校验码" in messages[(2, "身份证号")]
    assert "第 6 行" in messages[(7, "身份证号")]
    assert [r.row for r in result.rows] == [6]


def test_an_id_number_excel_turned_into_a_number_is_refused_with_the_reason():
    result = parse_sheet(xlsx([row(身份证号=230102198503040111)]))
    assert "文本格式" in result.errors[0].message


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://evil.example","点我")', "@SUM(1)", "+cmd|' /C calc'!A0"]
)
def test_a_formula_cell_is_refused(value):
    result = parse_sheet(xlsx([row(姓名=value)]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名")]
    assert "公式" in result.errors[0].message
    assert result.rows == []


def test_a_formula_in_a_csv_is_refused_too():
    result = parse_sheet(csv_file([row(申请项目代码="=1+2")]))
    assert "公式" in result.errors[0].message


def test_a_phone_with_the_country_code_is_not_mistaken_for_a_formula():
    result = parse_sheet(csv_file([row(手机号="+8613904510000")]))
    assert result.ok, result.errors
    assert result.rows[0].phone == "13904510000"


# --- hostile or wrong files ----------
def test_columns_outside_the_template_refuse_the_file_so_no_sheet_can_set_state_or_employer():
    with pytest.raises(SheetRefused, match="状态"):
        parse_sheet(csv_file([[*row(), "approved"]], header=[*HEADER, "状态"]))


def test_a_missing_column_refuses_the_file_and_names_it():
    kind = HEADER.index("申请类型")
    with pytest.raises(SheetRefused, match="申请类型"):
        parse_sheet(csv_file([row()[:kind] + row()[kind + 1 :]], header=HEADER[:kind] + HEADER[kind + 1 :]))


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all():
    big = SimpleUploadedFile("big.csv", b"," * (50 * 1024 * 1024))
    with pytest.raises(SheetRefused, match="MB"):
        parse_sheet(big)


def test_more_rows_than_the_limit_refuse_the_file(settings):
    settings.REGISTRY_MAX_SHEET_ROWS = 2000
    rows = [
        row(身份证号=valid_resident_id(birth=dt.date(1970, 1, 1) + dt.timedelta(days=n)))
        for n in range(10_001)
    ]
    with pytest.raises(SheetRefused, match="2000"):
        parse_sheet(csv_file(rows))


def test_a_zip_bomb_xlsx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))  # 200 MB of zeros
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    with pytest.raises(SheetRefused, match="解压"):
        parse_sheet(SimpleUploadedFile("bomb.xlsx", data))


def test_an_xml_bomb_xlsx_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
        )
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    source = zipfile.ZipFile(xlsx([row()]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = laughs.encode()
            archive.writestr(item, data)
    with pytest.raises(SheetRefused, match="Excel"):
        parse_sheet(SimpleUploadedFile("lol.xlsx", out.getvalue()))


@pytest.mark.parametrize(
    ("name", "data"),
    [("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100), ("fake.xlsx", b"PK\x03\x04garbage")],
)
def test_old_excel_and_damaged_workbooks_are_refused(name, data):
    with pytest.raises(SheetRefused):
        parse_sheet(SimpleUploadedFile(name, data))


# --- checks against the registry ----------
@pytest.fixture
def projects(db):
    category = MetrologyCategory.objects.order_by("code").first()
    return [
        MetrologyProject.objects.create(code=code, name=f"项目{code}", category=category)
        for code in ("P01", "P02")
    ]


@pytest.mark.django_db
def test_the_registry_checks_report_unknown_projects_and_one_answer_for_a_row_off_the_record(projects):
    """An unknown project code is named (the catalogue is public); everything about the person on record
    (name, assessments, registration, qualification number) gets one answer that does not say which."""
    other = QualificationCertificateFactory(number="ZJ-OTHER", level=Level.TWO)
    PersonFactory(id_number=ID_B, name="王芳")
    result = parse_sheet(
        xlsx(
            [
                row(申请项目代码="P01、P99"),  # row 2: P99 unknown, P01 not assessed
                row(身份证号=ID_B, 姓名="王小芳", 职业资格证书编号=other.number),  # row 3
                row(身份证号=valid_resident_id(serial=5), 申请类型="延续注册", 申请项目代码=""),  # row 4
            ]
        )
    )
    assert result.ok
    errors = batch_rows_problems(batch=BatchFactory(), rows=result.rows, on=dt.date(2026, 3, 2))
    messages = {(e.row, e.column, e.message) for e in errors}
    off_record = record_mismatch_message()
    assert any(r == 2 and "P99" in m and "未知" in m for r, _c, m in messages)
    assert {(r, c) for r, c, m in messages if m == off_record} == {(2, None), (3, None)}
    # Row 4 renews a registration the employer does not hold: said as such, about its own registrants only.
    assert {(r, c) for r, c, m in messages if r == 4} == {(4, "申请类型")}
    assert [e.codes for e in errors if e.row == 4] == [("no_certificate",)]
    assert len(errors) == 4
    assert "王芳" not in off_record
    assert "P01" not in off_record


@pytest.mark.django_db
def test_a_row_without_the_projects_its_kind_needs_is_named_with_its_column(projects):
    result = parse_sheet(xlsx([row(申请项目代码="")]))
    assert result.ok  # the shape is right: the eligibility rules say what the kind needs
    errors = batch_rows_problems(batch=BatchFactory(), rows=result.rows, on=dt.date(2026, 3, 2))
    assert [(e.row, e.column, e.codes) for e in errors] == [(2, "申请项目代码", ("no_projects",))]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_the_registry_checks_run_in_a_constant_number_of_queries(
    projects, count, django_assert_max_num_queries
):
    people = PersonFactory.create_batch(count // 2)
    rows = [row(身份证号=p.id_number, 姓名=p.name) for p in people] + [
        row(身份证号=valid_resident_id(birth=dt.date(1960, 1, 1) + dt.timedelta(days=n)), 姓名=f"新人{n}")
        for n in range(count - len(people))
    ]
    result = parse_sheet(xlsx(rows))
    assert len(result.rows) == count
    batch = BatchFactory()
    with django_assert_max_num_queries(6):
        batch_rows_problems(batch=batch, rows=result.rows, on=dt.date(2026, 3, 2))


# --- the check page ----------
@pytest.mark.django_db
def test_the_template_downloads_as_xlsx(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("portal:sheet_template"))
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["申请人", "填写说明", "项目代码"]


@pytest.mark.django_db
def test_the_template_lists_the_active_projects_and_gives_real_codes_as_examples(client, enterprise_user):
    category = MetrologyCategory.objects.order_by("code").first()
    MetrologyProject.objects.create(code="99.99", name="已停用的项目", category=category, is_active=False)
    active = dict(MetrologyProject.objects.filter(is_active=True).values_list("code", "name"))
    assert active  # the catalogue is seeded
    client.force_login(enterprise_user)
    workbook = load_workbook(io.BytesIO(client.get(reverse("portal:sheet_template")).content))
    listed = {row[0]: row[1] for row in workbook["项目代码"].iter_rows(min_row=2, values_only=True)}
    assert listed == active  # every active project with its code, no inactive one
    guide = " ".join(str(c.value) for r in workbook["填写说明"].iter_rows() for c in r if c.value)
    assert "P01" not in guide
    example = guide.split("申请项目代码", 1)[1].split("例：", 1)[1].split()[0]
    assert set(example.split("、")) <= set(active)


def test_a_template_made_without_the_catalogue_still_gives_a_real_code():
    workbook = load_workbook(io.BytesIO(build_template()))
    assert workbook.sheetnames == ["申请人", "填写说明"]
    guide = " ".join(str(c.value) for r in workbook["填写说明"].iter_rows() for c in r if c.value)
    assert "例：04.01" in guide
    assert "P01" not in guide


@pytest.mark.django_db
def test_the_check_page_lists_every_problem_and_saves_nothing(client, enterprise_user, projects):
    client.force_login(enterprise_user)
    before = Person.objects.count()
    bad = ID_B[:17] + ("0" if ID_B[17] != "0" else "1")
    response = client.post(reverse("portal:sheet_check"), {"file": xlsx([row(), row(身份证号=bad)])})
    page = response.content.decode()
    assert 'data-testid="sheet-errors"' in page
    assert "校验码" in page
    assert "考核合格证" in page
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_the_check_page_shows_a_refused_file_next_to_the_field(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("portal:sheet_check"), {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken")}
    )
    assert "损坏" in " ".join(response.context["form"].errors["file"])


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["portal:sheet_template", "portal:sheet_check"])
def test_only_enterprise_users_reach_the_spreadsheet_pages(client, bureau_user, url):
    assert client.get(reverse(url)).status_code == 302
    client.force_login(bureau_user)
    assert client.get(reverse(url)).status_code == 403
