import pytest
import tablib
from django.utils import translation

from exams.models import MetrologyProject
from exams.resources import ProjectResource

pytestmark = pytest.mark.django_db
HEADERS = ["项目代码", "项目名称", "专业类别代码", "是否启用"]


def run(rows):
    with translation.override("zh-hans"):
        return ProjectResource().import_data(
            tablib.Dataset(*rows, headers=HEADERS), rollback_on_validation_errors=True
        )


def test_projects_are_added_and_updated_by_code():
    result = run([["12.50", "活塞式压力计", "12", "是"], ["12.01", "一般压力表", 12, "否"]])

    assert not result.has_validation_errors()
    assert MetrologyProject.objects.get(code="12.50").category.code == "12"
    updated = MetrologyProject.objects.get(code="12.01")
    assert (updated.name, updated.is_active) == ("一般压力表", False)


def test_bad_project_rows_save_nothing():
    before = set(MetrologyProject.objects.values_list("code", "name"))

    result = run(
        [
            ["12.51", "好的一行", "12", "是"],
            ["15.52", "类别不符", "12", "是"],
            ["99.01", "无此类别", "99", ""],
            ["12.51", "重复", "12", "是"],
        ]
    )

    assert {row.number for row in result.invalid_rows} == {2, 3, 4}
    assert set(MetrologyProject.objects.values_list("code", "name")) == before
