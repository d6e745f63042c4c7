"""Issue 11, items 5 and 6: every admin export masks resident ID numbers unless the role needs them, and
every export is an audit event (what, how many rows, which format; never the data)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Action, AuditEvent
from tests.factories import AssessmentResultFactory, MetrologyProjectFactory

pytestmark = pytest.mark.django_db
EXPORTS = {
    "results": reverse("admin:exams_assessmentresult_export"),
    "projects": reverse("admin:exams_metrologyproject_export"),
}


def export(client, url: str, extension: str) -> bytes:
    """What pressing Export with `extension` chosen and every column ticked downloads."""
    form = client.get(url).context["form"]
    choices = {label.lower(): value for value, label in form.fields["format"].choices}
    data = {"format": choices[extension]}
    for name, field in form.fields.items():
        if name not in data and field.__class__.__name__ == "BooleanField":
            data[name] = "on"
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    return response.content


def _text(content: bytes, extension: str) -> str:
    if extension == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        return "\n".join(",".join(str(c.value) for c in row) for row in sheet.iter_rows())
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("extension", ["csv", "xlsx", "json", "html"])
def test_the_training_centre_exports_results_with_masked_numbers_and_the_export_is_recorded(
    client, training_centre_user, extension
):
    results = AssessmentResultFactory.create_batch(3)
    client.force_login(training_centre_user)

    text = _text(export(client, EXPORTS["results"], extension), extension)

    for result in results:
        assert result.person.masked_id_number in text
        assert result.person.id_number not in text
    event = AuditEvent.objects.get(action=Action.EXPORTED)
    assert event.actor == training_centre_user
    assert event.detail == {
        "model": "exams.assessmentresult",
        "rows": 3,
        "format": extension,
        "full_id_numbers": False,
    }


def test_the_association_exports_full_numbers_and_that_is_recorded(client, association_user):
    result = AssessmentResultFactory()
    client.force_login(association_user)

    text = _text(export(client, EXPORTS["results"], "csv"), "csv")

    assert result.person.id_number in text
    event = AuditEvent.objects.get(action=Action.EXPORTED)
    assert event.detail["full_id_numbers"] is True
    assert result.person.id_number not in str(event.detail) + event.target_label


def test_an_export_of_a_search_exports_only_its_rows(client, training_centre_user):
    wanted, _other = AssessmentResultFactory(), AssessmentResultFactory()
    client.force_login(training_centre_user)
    landed = client.post(reverse("admin:exams_assessmentresult_search"), {"q": wanted.person.id_number})[
        "Location"
    ]

    export(client, EXPORTS["results"] + "?" + landed.split("?", 1)[1], "csv")

    assert AuditEvent.objects.get(action=Action.EXPORTED).detail["rows"] == 1


def test_the_catalogue_export_is_recorded_too(client, training_centre_user):
    MetrologyProjectFactory.create_batch(2)
    client.force_login(training_centre_user)

    export(client, EXPORTS["projects"], "csv")

    event = AuditEvent.objects.get(action=Action.EXPORTED)
    assert event.detail["model"] == "exams.metrologyproject"
    assert event.detail["rows"] >= 2
    assert event.detail["full_id_numbers"] is False


def test_the_export_page_alone_records_nothing(client, training_centre_user):
    client.force_login(training_centre_user)
    client.get(EXPORTS["results"])
    assert not AuditEvent.objects.exclude(action=Action.LOGIN).exists()
