"""The score and project import pages (issue 18, admin): row numbers are the spreadsheet's own (the header
is row 1), the page lists the columns of the template it offers, an empty cell is not shown as "None"."""

import io
import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from exams.models import AssessmentResult, MetrologyProject
from exams.resources import ResultResource
from tests.factories import AssessmentSessionFactory, MetrologyProjectFactory, PersonFactory

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("admin:exams_assessmentresult_import")


@pytest.fixture
def centre(client, training_centre_user):
    client.force_login(training_centre_user)
    return client


def _csv(header: str, rows) -> io.BytesIO:
    text = header + "\n" + "".join(",".join(r) + "\n" for r in rows)
    f = io.BytesIO(text.encode("utf-8"))
    f.name = "sheet.csv"
    return f


def _csv_format(client, url) -> str:
    form = client.get(url).context["form"]
    return next(str(v) for v, label in form.fields["format"].choices if "csv" in str(label).lower())


def _invalid_rows(html: str) -> list[str]:
    table = html.split('data-testid="invalid-rows"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return re.findall(r"<tr>\s*<td>(\d+)</td>", body)


def test_the_page_lists_the_columns_of_the_template_it_offers(centre):
    html = centre.get(IMPORT_URL).content.decode()
    listed = html.split("<code>", 1)[1].split("</code>", 1)[0]
    assert [c.strip() for c in listed.split(",")] == list(ResultResource.TEMPLATE_HEADERS)
    assert "项目名称" not in listed
    assert "是否合格" not in listed


def test_a_bad_row_is_named_by_its_row_in_the_spreadsheet_and_empty_cells_are_not_none(centre):
    project = MetrologyProjectFactory()
    session = AssessmentSessionFactory(projects=[project])
    person = PersonFactory()
    page = centre.post(
        IMPORT_URL,
        {
            "format": _csv_format(centre, IMPORT_URL),
            "session": session.pk,
            "import_file": _csv(
                "姓名,身份证号,项目代码,操作技能成绩,知识成绩",
                [
                    [person.name, person.id_number, project.code, "70", "60"],  # row 2: fine
                    [person.name, person.id_number, "00.00", "", "60"],  # row 3: unknown code, no score
                    ["<b>x</b>", "1234", project.code, "-1", "=1+1"],  # row 4: hostile
                ],
            ),
        },
    )
    html = page.content.decode()
    assert _invalid_rows(html) == ["3", "4"]
    visible = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\bNone\b", visible)
    assert "<b>x</b>" not in html
    assert "某些行验数据证失败" not in html
    assert AssessmentResult.objects.count() == 0


def test_a_duplicate_project_code_names_the_spreadsheet_row_it_repeats(admin_client):
    url = reverse("admin:exams_metrologyproject_import")
    page = admin_client.post(
        url,
        {
            "format": _csv_format(admin_client, url),
            "import_file": _csv(
                "项目代码,项目名称,专业类别代码,是否启用",
                [["12.901", "压力表甲", "12", "是"], ["12.901", "压力表乙", "12", "是"]],
            ),
        },
    )
    html = page.content.decode()
    assert _invalid_rows(html) == ["3"]
    assert gettext("Duplicate row: this code already appears in row %(row)d.") % {"row": 2} in html
    assert not MetrologyProject.objects.filter(code="12.901").exists()
