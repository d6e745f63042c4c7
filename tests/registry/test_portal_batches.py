"""The portal's batch pages through the test client: batches, applicants, spreadsheets, materials,
submission, the application page, certificate holders."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from people.models import Person
from registry.materials import REQUIRED_MATERIALS
from registry.models import Application, Batch, Material
from registry.services.applications import application_request_corrections
from registry.spreadsheets import record_mismatch_message
from tests.factories import (
    ApplicationFactory,
    BatchFactory,
    EmployerFactory,
    PersonFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
    UserFactory,
    valid_resident_id,
)
from tests.factories.exams import AssessmentCertificateFactory, MetrologyProjectFactory
from tests.portal_files import pdf_bytes, photo_png, sheet_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db):
    return UserFactory(
        username="clerk-b", role=Role.ENTERPRISE, employer=EmployerFactory(name="松花江仪表厂")
    )


@pytest.fixture
def client_in(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def project(db):
    return MetrologyProjectFactory(code="12.901", name="压力表")


def assessed_person(project, **kwargs):
    person = PersonFactory(**kwargs)
    AssessmentCertificateFactory(person=person, projects=[project], issued_on=dt.date(2025, 1, 1))
    return person


def test_a_clerk_creates_a_batch_and_sees_only_their_employers_batches(client_in, clerk):
    BatchFactory(title="别家的批次")
    response = client_in.post(reverse("portal:batches"), {"title": "2026年第一批"})
    batch = Batch.objects.get(title="2026年第一批")
    assert batch.employer == clerk.employer
    assert batch.created_by == clerk
    assert response.url == reverse("portal:batch_detail", args=[batch.pk])
    page = client_in.get(reverse("portal:batches")).content.decode()
    assert "2026年第一批" in page
    assert "别家的批次" not in page


def test_an_empty_batch_name_is_refused_next_to_the_field(client_in):
    response = client_in.post(reverse("portal:batches"), {"title": "  "})
    assert response.status_code == 200
    assert not Batch.objects.exists()


def test_the_batch_list_runs_a_constant_number_of_queries(client_in, clerk, django_assert_max_num_queries):
    for _ in range(5):
        ApplicationFactory.create_batch(
            3, employer=clerk.employer, batch=BatchFactory(employer=clerk.employer)
        )
    with django_assert_max_num_queries(8):
        client_in.get(reverse("portal:batches"))


def test_the_batch_page_runs_a_constant_number_of_queries(client_in, clerk, django_assert_max_num_queries):
    batch = BatchFactory(employer=clerk.employer)
    ApplicationFactory.create_batch(20, employer=clerk.employer, batch=batch)
    with django_assert_max_num_queries(12):
        response = client_in.get(reverse("portal:batch_detail", args=[batch.pk]))
    assert response.content.decode().count("SQ") >= 20


def _form(person, project, **extra):
    data = {
        "kind": "initial",
        "name": person.name,
        "id_number": person.id_number,
        "phone": "13904510000",
        "level": "2",
        "qualification_number": "ZJ-FORM-0001",
        "qualification_date": "2020-06-01",
        "projects": [project.pk],
    }
    data.update(extra)
    return data


def test_an_applicant_added_by_form_reuses_the_person_and_keeps_their_phone(client_in, clerk, project):
    person = assessed_person(project, phone="13800000000")
    batch = BatchFactory(employer=clerk.employer)
    response = client_in.post(reverse("portal:applicant_add", args=[batch.pk]), _form(person, project))
    application = Application.objects.get(batch=batch)
    assert response.url == reverse("portal:application_detail", args=[application.pk])
    assert application.person == person
    assert application.employer == clerk.employer
    assert list(application.projects.all()) == [project]
    person.refresh_from_db()
    assert person.phone == "13800000000"
    assert Person.objects.with_id_number(person.id_number).count() == 1


def test_a_name_differing_from_the_record_is_refused_without_saying_which_detail(client_in, clerk, project):
    person = assessed_person(project, name="李雷")
    batch = BatchFactory(employer=clerk.employer)
    response = client_in.post(
        reverse("portal:applicant_add", args=[batch.pk]), _form(person, project, name="韩梅梅")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [record_mismatch_message()]
    assert not Application.objects.exists()


def test_a_bad_id_check_character_is_refused(client_in, clerk, project):
    person = assessed_person(project)
    batch = BatchFactory(employer=clerk.employer)
    wrong = person.id_number[:-1] + ("0" if person.id_number[-1] != "0" else "1")
    response = client_in.post(
        reverse("portal:applicant_add", args=[batch.pk]), _form(person, project, id_number=wrong)
    )
    assert "id_number" in response.context["form"].errors


def test_a_form_cannot_aim_at_another_employers_certificate(client_in, clerk):
    other = RegistrationCertificateFactory()
    batch = BatchFactory(employer=clerk.employer)
    response = client_in.post(
        reverse("portal:applicant_add", args=[batch.pk]),
        {
            "kind": "cancellation",
            "name": other.person.name,
            "id_number": other.person.id_number,
            "level": str(other.level),
            "target_certificate": other.pk,
        },
    )
    assert response.status_code == 200
    assert "target_certificate" in response.context["form"].errors  # not among the choices
    assert not Application.objects.filter(batch=batch).exists()


def _sheet_rows(people, project, kind="初始注册"):
    return [
        [p.name, p.id_number, "13904510000", "二级", f"ZJ-SHEET-{i}", "2020-06-01", project.code, kind]
        for i, p in enumerate(people)
    ]


def test_a_sheet_is_previewed_then_saved_on_confirmation(client_in, clerk, project):
    people = [assessed_person(project) for _ in range(3)]
    batch = BatchFactory(employer=clerk.employer)
    upload = SimpleUploadedFile("applicants.xlsx", sheet_xlsx(_sheet_rows(people, project)))
    response = client_in.post(reverse("portal:sheet_upload", args=[batch.pk]), {"file": upload})
    assert response.status_code == 200
    assert response.context["result"].ok
    assert not Application.objects.exists()  # the preview saves nothing
    token = response.context["token"]
    response = client_in.post(reverse("portal:sheet_confirm", args=[batch.pk]), {"token": token})
    assert response.url == reverse("portal:batch_detail", args=[batch.pk])
    assert Application.objects.filter(batch=batch, employer=clerk.employer).count() == 3
    # The same token cannot save the file twice.
    client_in.post(reverse("portal:sheet_confirm", args=[batch.pk]), {"token": token})
    assert Application.objects.filter(batch=batch).count() == 3


def test_a_sheet_with_one_problem_saves_nothing_and_lists_it_by_row(client_in, clerk, project):
    people = [assessed_person(project) for _ in range(2)]
    stranger = PersonFactory()  # no assessment
    batch = BatchFactory(employer=clerk.employer)
    rows = _sheet_rows([*people, stranger], project)
    rows.append(
        ["王五", "230102198001011230", "13904510000", "二级", "ZJ-X", "2020-06-01", project.code, "初始注册"]
    )
    upload = SimpleUploadedFile("applicants.xlsx", sheet_xlsx(rows))
    response = client_in.post(reverse("portal:sheet_upload", args=[batch.pk]), {"file": upload})
    result = response.context["result"]
    assert not result.ok
    assert response.context["token"] is None
    assert {e.row for e in result.errors} == {4, 5}
    assert not Application.objects.exists()


def test_a_sheet_with_state_or_employer_columns_is_refused_whole(client_in, clerk, project):
    person = assessed_person(project)
    batch = BatchFactory(employer=clerk.employer)
    csv = (
        "姓名,身份证号,手机号,申请级别,职业资格证书编号,资格证书取得日期,申请项目代码,申请类型,状态,单位\n"
        f"{person.name},{person.id_number},13904510000,二级,ZJ-1,2020-06-01,{project.code},初始注册,issued,1\n"
    ).encode()
    response = client_in.post(
        reverse("portal:sheet_upload", args=[batch.pk]), {"file": SimpleUploadedFile("a.csv", csv)}
    )
    assert response.context["refused"]
    assert not Application.objects.exists()


def test_a_confirmation_token_works_only_for_its_batch_and_user(client_in, clerk, project):
    people = [assessed_person(project)]
    batch = BatchFactory(employer=clerk.employer)
    upload = SimpleUploadedFile("applicants.xlsx", sheet_xlsx(_sheet_rows(people, project)))
    token = client_in.post(reverse("portal:sheet_upload", args=[batch.pk]), {"file": upload}).context["token"]
    other_batch = BatchFactory(employer=clerk.employer)
    client_in.post(reverse("portal:sheet_confirm", args=[other_batch.pk]), {"token": token})
    client_in.post(reverse("portal:sheet_confirm", args=[batch.pk]), {"token": token + "x"})
    assert not Application.objects.exists()


def _draft(clerk, project):
    person = assessed_person(project)
    QualificationCertificateFactory(person=person, level=2)
    batch = BatchFactory(employer=clerk.employer)
    application = ApplicationFactory(employer=clerk.employer, person=person, batch=batch, projects=[project])
    return application


def _upload(client, application, kind, name, data):
    return client.post(
        reverse("portal:material_upload", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
    )


def _upload_all(client, application):
    for kind, count in REQUIRED_MATERIALS[application.kind].items():
        for i in range(count):
            if kind == "photo":
                _upload(client, application, kind, f"photo{i}.png", photo_png())
            else:
                _upload(client, application, kind, f"{kind}.pdf", pdf_bytes())


def test_materials_are_checked_by_content_and_downloadable_only_by_their_employer(
    client_in, clerk, project, client
):
    application = _draft(clerk, project)
    response = _upload(client_in, application, "application_form", "form.pdf", b"MZ\x90\x00 not a pdf")
    assert response.status_code == 200
    assert "file" in response.context["material_form"].errors
    response = _upload(client_in, application, "photo", "photo.png", photo_png(600, 400))  # landscape
    assert "file" in response.context["material_form"].errors
    assert not Material.objects.exists()
    _upload(client_in, application, "application_form", "form.pdf", pdf_bytes())
    material = Material.objects.get()
    download = client_in.get(reverse("portal:material_download", args=[material.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    stranger = UserFactory(username="other-clerk", role=Role.ENTERPRISE, employer=EmployerFactory())
    client.force_login(stranger)
    assert client.get(reverse("portal:material_download", args=[material.pk])).status_code == 404


def test_a_photo_is_replaced_in_place(client_in, clerk, project):
    application = _draft(clerk, project)
    _upload(client_in, application, "photo", "a.png", photo_png())
    _upload(client_in, application, "photo", "b.png", photo_png())
    first = Material.objects.filter(kind="photo").order_by("pk").first()
    client_in.post(
        reverse("portal:material_replace", args=[first.pk]),
        {"file": SimpleUploadedFile("c.png", photo_png())},
    )
    names = sorted(Material.objects.filter(kind="photo").values_list("original_name", flat=True))
    assert names == ["b.png", "c.png"]


def test_a_pending_employer_cannot_submit_and_is_told_why(client, project):
    clerk = UserFactory(
        username="pending-clerk", role=Role.ENTERPRISE, employer=EmployerFactory(pending=True)
    )
    client.force_login(clerk)
    application = _draft(clerk, project)
    _upload_all(client, application)
    response = client.post(
        reverse("portal:batch_submit", args=[application.batch_id]),
        {"truthfulness": "on", "confirm": "yes"},
        follow=True,
    )
    application.refresh_from_db()
    assert application.state == "draft"
    assert any("verified" in str(m) or "核实" in str(m) for m in response.context["messages"])


def test_submitting_moves_complete_drafts_and_lists_what_the_others_lack(
    client_in, clerk, project, workday_calendar
):
    complete = _draft(clerk, project)
    incomplete = ApplicationFactory(
        employer=clerk.employer, batch=complete.batch, person=assessed_person(project), projects=[project]
    )
    _upload_all(client_in, complete)
    response = client_in.post(
        reverse("portal:batch_submit", args=[complete.batch_id]),
        {"truthfulness": "on", "confirm": "yes"},
        follow=True,
    )
    complete.refresh_from_db()
    incomplete.refresh_from_db()
    assert (complete.state, incomplete.state) == ("submitted", "draft")
    row = next(a for a in response.context["applications"] if a.pk == incomplete.pk)
    assert row.missing_labels  # what it lacks, in words...
    html = response.content.decode()
    for line in row.missing_labels:  # ...each said once, in its column, not again under it
        assert html.count(line) == 1, line
    assert not any(str(line) in problem for problem in row.refused for line in row.missing_labels)


def test_submitting_asks_for_confirmation_first_and_changes_nothing_until_then(
    client_in, clerk, project, workday_calendar, django_assert_max_num_queries
):
    complete = _draft(clerk, project)
    incomplete = ApplicationFactory(
        employer=clerk.employer, batch=complete.batch, person=assessed_person(project), projects=[project]
    )
    _upload_all(client_in, complete)
    url = reverse("portal:batch_submit", args=[complete.batch_id])
    with django_assert_max_num_queries(20):
        response = client_in.post(url, {"truthfulness": "on"})
    assert response.status_code == 200
    assert response.templates[0].name == "registry/portal/batch_submit_confirm.html"
    html = response.content.decode()
    assert 'data-testid="confirm-submit"' in html
    assert complete.person.name in html.split('data-testid="to-submit"')[1].split("</ul>")[0]
    assert incomplete.person.name in html.split('data-testid="staying"')[1].split("</ul>")[0]
    complete.refresh_from_db()
    assert complete.state == "draft"  # nothing submitted yet
    client_in.post(url, {"truthfulness": "on", "confirm": "no"})  # anything but "yes" asks again
    complete.refresh_from_db()
    assert complete.state == "draft"
    client_in.post(url, {"truthfulness": "on", "confirm": "yes"})
    complete.refresh_from_db()
    incomplete.refresh_from_db()
    assert (complete.state, incomplete.state) == ("submitted", "draft")


def test_the_correction_round_on_the_application_page(
    client_in, clerk, project, association_user, workday_calendar
):
    application = _draft(clerk, project)
    _upload_all(client_in, application)
    client_in.post(
        reverse("portal:batch_submit", args=[application.batch_id]), {"truthfulness": "on", "confirm": "yes"}
    )
    application.refresh_from_db()
    application_request_corrections(
        application=application, items=["photo"], note="照片背景应为白色", by=association_user
    )
    page = client_in.get(reverse("portal:application_detail", args=[application.pk]))
    html = page.content.decode()
    assert "照片背景应为白色" in html
    assert 'data-testid="correction-notice"' in html
    # The photo to replace is highlighted in the checklist and in the files; resubmitting now is refused.
    assert html.count('data-testid="checklist-to-replace"') == 1
    assert html.count('data-testid="material-to-replace"') == Material.objects.filter(kind="photo").count()
    assert 'data-testid="to-replace"' in html
    refused = client_in.post(reverse("portal:application_resubmit", args=[application.pk]), follow=True)
    assert any("2-inch" in str(m) or "照片" in str(m) for m in refused.context["messages"])
    application.refresh_from_db()
    assert application.state == "corrections_requested"
    photo = Material.objects.filter(application=application, kind="photo").first()
    client_in.post(
        reverse("portal:material_replace", args=[photo.pk]),
        {"file": SimpleUploadedFile("new.png", photo_png())},
    )
    html = client_in.get(reverse("portal:application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="checklist-to-replace"' not in html
    assert 'data-testid="to-replace"' not in html
    client_in.post(reverse("portal:application_resubmit", args=[application.pk]))
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.current_due_on is not None


def test_withdrawal_and_reasons_are_shown(client_in, clerk, project):
    application = _draft(clerk, project)
    client_in.post(reverse("portal:application_withdraw", args=[application.pk]), {"reason": "已离职"})
    application.refresh_from_db()
    assert application.state == "withdrawn"
    denied = ApplicationFactory(employer=clerk.employer, denied=True, decision_reason="项目考核已过期")
    html = client_in.get(reverse("portal:application_detail", args=[denied.pk])).content.decode()
    assert "项目考核已过期" in html


def test_the_issued_certificate_number_is_shown(client_in, clerk):
    certificate = RegistrationCertificateFactory(application__employer=clerk.employer)
    html = client_in.get(
        reverse("portal:application_detail", args=[certificate.application_id])
    ).content.decode()
    assert certificate.number in html


def test_certificate_holders_and_a_cancellation_started_from_the_holders_page(client_in, clerk):
    mine = RegistrationCertificateFactory(application__employer=clerk.employer)
    QualificationCertificateFactory(person=mine.person, level=mine.level)
    RegistrationCertificateFactory()  # another employer's holder
    html = client_in.get(reverse("portal:holders")).content.decode()
    assert mine.number in html
    assert html.count("HLJ-ZC") == 1
    response = client_in.post(reverse("portal:holder_detail", args=[mine.pk]), {"kind": "cancellation"})
    application = Application.objects.get(target_certificate=mine, kind="cancellation")
    assert application.state == "draft"
    assert application.employer == clerk.employer
    assert response.url == reverse("portal:application_detail", args=[application.pk])


def test_a_renewal_outside_its_window_is_refused_in_words(client_in, clerk):
    mine = RegistrationCertificateFactory(application__employer=clerk.employer)
    response = client_in.post(reverse("portal:holder_detail", args=[mine.pk]), {"kind": "renewal"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Application.objects.filter(kind="renewal").exists()


def test_a_change_after_renaming_needs_the_renaming_on_record(client_in, clerk):
    from people.models import EmployerNameChange

    mine = RegistrationCertificateFactory(application__employer=clerk.employer)
    response = client_in.post(
        reverse("portal:holder_detail", args=[mine.pk]), {"kind": "change_employer_name"}
    )
    assert response.context["form"].non_field_errors()
    EmployerNameChange.objects.create(
        employer=clerk.employer, old_name="旧名", new_name=clerk.employer.name, changed_on=mine.issued_on
    )
    client_in.post(reverse("portal:holder_detail", args=[mine.pk]), {"kind": "change_employer_name"})
    assert Application.objects.filter(kind="change_employer_name", target_certificate=mine).exists()


def test_valid_resident_id_helper_is_deterministic():
    assert valid_resident_id(birth=dt.date(1980, 1, 1), serial=123) == valid_resident_id(
        birth=dt.date(1980, 1, 1), serial=123
    )
