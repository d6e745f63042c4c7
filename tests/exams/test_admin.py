"""The training centre's admin: lists, search, import through the pages, actions, template, export."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from exams.models import AssessmentCertificate, AssessmentResult, RecognisedCertificate
from exams.selectors import projects_with_valid_assessment_for_people
from tests.factories import (
    AssessmentResultFactory,
    AssessmentSessionFactory,
    MetrologyProjectFactory,
    PersonFactory,
    RecognisedCertificateFactory,
)

pytestmark = pytest.mark.django_db
RESULTS_URL = reverse("admin:exams_assessmentresult_changelist")


def _held(person_id, on):
    """The projects one person holds a valid assessment for (the set-based selector, for one person)."""
    return projects_with_valid_assessment_for_people(person_ids=[person_id], on=on).get(
        person_id, frozenset()
    )


@pytest.fixture
def centre(client, training_centre_user):
    client.force_login(training_centre_user)
    return client


def test_training_centre_holds_the_exams_permissions(training_centre_user):
    for perm in (
        "add_assessmentresult",
        "change_assessmentresult",
        "add_assessmentcertificate",
        "change_recognisedcertificate",
        "add_metrologyproject",
    ):
        assert training_centre_user.has_perm(f"exams.{perm}")


@pytest.mark.parametrize(
    "url",
    [
        RESULTS_URL,
        reverse("admin:exams_assessmentsession_changelist"),
        reverse("admin:exams_assessmentcertificate_changelist"),
        reverse("admin:exams_recognisedcertificate_changelist"),
        reverse("admin:exams_verifiercertificate_changelist"),
        reverse("admin:exams_metrologyproject_changelist"),
    ],
)
def test_list_pages_run_in_constant_queries(centre, url, training_centre_user, workday_calendar):
    def queries(count: int) -> int:
        project = MetrologyProjectFactory()
        session = AssessmentSessionFactory(projects=[project])
        results = AssessmentResultFactory.create_batch(count, session=session, project=project)
        from exams.services import certificates_issue

        certificates_issue(results=results, by=training_centre_user)
        for result in results:
            RecognisedCertificateFactory(person=result.person, projects=[project])
        with CaptureQueriesContext(connection) as captured:
            assert centre.get(url).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_results_list_masks_ids_and_finds_by_full_id(centre):
    result = AssessmentResultFactory()
    other = AssessmentResultFactory()
    number = result.person.id_number

    response = centre.get(RESULTS_URL, {"q": number.lower()}, follow=True)
    page = response.content.decode()
    # A full number typed into a URL is moved out of it: the page is reached by its blind index.
    assert number not in response.redirect_chain[-1][0].upper()
    # What is shown, not the links: they carry the search the user typed back to the list.
    table = re.sub(r'href="[^"]*"', "", page[page.index("<tbody>") : page.index("</tbody>")])

    assert result.person.masked_id_number in table
    assert number not in table
    assert other.person.name not in table


def test_results_filter_by_passed(centre):
    passed = AssessmentResultFactory()
    failed = AssessmentResultFactory(failed=True)

    page = centre.get(RESULTS_URL, {"passed__exact": "0"}).content.decode()

    assert failed.person.name in page
    assert passed.person.name not in page


def _csv(rows) -> io.BytesIO:
    text = "姓名,身份证号,项目代码,操作技能成绩,知识成绩\n" + "".join(",".join(r) + "\n" for r in rows)
    f = io.BytesIO(text.encode("utf-8"))
    f.name = "scores.csv"
    return f


def _csv_format_index(centre) -> str:
    form = centre.get(reverse("admin:exams_assessmentresult_import")).context["form"]
    return next(str(v) for v, label in form.fields["format"].choices if "csv" in str(label).lower())


def test_import_through_the_admin_previews_then_saves(centre):
    project = MetrologyProjectFactory()
    session = AssessmentSessionFactory(projects=[project])
    person = PersonFactory()
    import_url = reverse("admin:exams_assessmentresult_import")

    preview = centre.post(
        import_url,
        {
            "format": _csv_format_index(centre),
            "session": session.pk,
            "create_people": "on",
            "import_file": _csv([[person.name, person.id_number, project.code, "70", "60"]]),
        },
    )
    assert preview.status_code == 200
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    assert AssessmentResult.objects.count() == 0  # the preview is a dry run

    done = centre.post(reverse("admin:exams_assessmentresult_process_import"), confirm.initial)

    assert done.status_code == 302
    result = AssessmentResult.objects.get()
    assert (result.person, result.session, result.passed) == (person, session, True)


def test_bad_file_through_the_admin_shows_reasons_and_offers_no_confirm(centre):
    project = MetrologyProjectFactory()
    session = AssessmentSessionFactory(projects=[project])
    person = PersonFactory()

    page = centre.post(
        reverse("admin:exams_assessmentresult_import"),
        {
            "format": _csv_format_index(centre),
            "session": session.pk,
            "import_file": _csv(
                [
                    [person.name, person.id_number, project.code, "70", "60"],
                    [person.name, person.id_number, "00.00", "170", "60"],
                ]
            ),
        },
    )

    assert "confirm_form" not in page.context or page.context["confirm_form"] is None
    html = page.content.decode()
    assert "未知的计量专业项目代码" in html
    assert "超出范围" in html
    assert AssessmentResult.objects.count() == 0


def test_template_download_has_the_chinese_headers(centre):
    response = centre.get(reverse("admin:exams_assessmentresult_import_template"))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["姓名", "身份证号", "项目代码", "操作技能成绩", "知识成绩"]


def test_issue_action_certifies_selected_passed_results(centre):
    person = PersonFactory()
    ok = AssessmentResultFactory(person=person)
    failed = AssessmentResultFactory(person=person, failed=True)

    response = centre.post(
        RESULTS_URL, {"action": "issue_certificates", "_selected_action": [ok.pk, failed.pk]}, follow=True
    )

    assert response.status_code == 200
    certificate = AssessmentCertificate.objects.get()
    assert certificate.number in response.content.decode()
    assert list(certificate.projects.all()) == [ok.project]
    assert _held(person.pk, certificate.issued_on) == {ok.project_id}


def test_check_action_makes_a_recognised_certificate_count(centre, training_centre_user):
    project = MetrologyProjectFactory()
    certificate = RecognisedCertificateFactory(projects=[project])
    url = reverse("admin:exams_recognisedcertificate_changelist")

    centre.post(url, {"action": "mark_checked", "_selected_action": [certificate.pk]})

    certificate = RecognisedCertificate.objects.get()
    assert certificate.checked_by == training_centre_user
    assert _held(certificate.person_id, certificate.issued_on) == {project.pk}


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_export_escapes_formulae(centre, name):
    AssessmentResultFactory(person=PersonFactory(name=name[:50]))
    from common.sheet_formats import SafeCSV
    from exams.resources import ResultResource

    dataset = ResultResource().export(AssessmentResult.objects.all())
    exported = SafeCSV().export_data(dataset)

    cell = next(line for line in exported.splitlines()[1:] if line).split(",")[0].strip('"')
    assert cell.startswith("'")
