"""Nothing edited in the admin goes unrecorded: additions, changes and deletions are audit events, in the
transaction of the change, naming the fields that changed and never their values."""

import io

import pytest
from django.contrib import admin
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from accounts.roles import Role
from audit.admin_hooks import AuditedAdminMixin
from audit.models import Action, AuditEvent
from exams.models import MetrologyProject
from people.models import Employer, Person, QualificationCertificate
from tests.factories import (
    EmployerFactory,
    MetrologyProjectFactory,
    PersonFactory,
    QualificationCertificateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Accounts and groups (roles) are the `admin` slice's: its rewritten user admin records them itself.
NOT_HOOKED = {"accounts.user", "auth.group"}


def form_data(response) -> dict:
    """What a browser would send back for the change page as shown, inlines included."""
    data: dict = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue  # files are not sent back unless replaced
            if value is True:
                value = "on"
            data[field.html_name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


@pytest.fixture
def assoc(client, association_user):
    client.force_login(association_user)
    return client


def events(action=None):
    """The events the admin wrote: signing the test's user in is recorded too, and is not the admin's."""
    qs = AuditEvent.objects.exclude(action=Action.LOGIN).order_by("pk")
    return qs.filter(action=action) if action else qs


def test_every_registered_admin_records_its_edits():
    missing = [
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if model._meta.label_lower not in NOT_HOOKED and not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert missing == []


def test_a_change_names_the_fields_never_their_values(assoc, association_user):
    person = PersonFactory(phone="13800000001")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = form_data(assoc.get(url)) | {"phone": "13912345678"}

    response = assoc.post(url, data)

    assert response.status_code == 302
    event = events(Action.RECORD_CHANGED).get()
    assert (event.actor, event.target_type, event.target_id) == (
        association_user,
        "people.person",
        str(person.pk),
    )
    assert event.detail == {"operation": "changed", "fields": ["phone"]}
    assert event.ip == "127.0.0.1"
    stored = f"{event.detail} {event.target_label}"
    assert "13912345678" not in stored
    assert "13800000001" not in stored
    assert person.id_number not in stored


def test_an_addition_in_the_catalogue_is_a_catalogue_event(client, training_centre_user):
    client.force_login(training_centre_user)
    from exams.models import MetrologyCategory

    category = MetrologyCategory.objects.get_or_create(code="12", defaults={"name": "力学"})[0]
    response = client.post(
        reverse("admin:exams_metrologyproject_add"),
        {"code": "12.901", "name": "扭矩扳子", "category": category.pk, "is_active": "on"},
    )

    assert response.status_code == 302
    project = MetrologyProject.objects.get(code="12.901")
    event = events(Action.CATALOGUE_CHANGED).get()
    assert (event.target_id, event.detail["operation"]) == (str(project.pk), "added")
    assert {"code", "name", "category"} <= set(event.detail["fields"])


def test_deleting_records_the_record_and_what_went_with_it(assoc):
    person = PersonFactory()
    QualificationCertificateFactory(person=person)

    response = assoc.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    event = events(Action.DELETED).get()
    assert (event.target_type, event.target_id) == ("people.person", str(person.pk))
    assert event.target_label == str(person)  # the masked number, as lists show it
    assert event.detail == {"operation": "deleted", "cascade": {"people.qualificationcertificate": 1}}


def test_delete_selected_records_each_record(assoc):
    first, second = QualificationCertificateFactory.create_batch(2)

    assoc.post(
        reverse("admin:people_qualificationcertificate_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert not QualificationCertificate.objects.exists()
    deleted = events(Action.DELETED)
    assert sorted(int(e.target_id) for e in deleted) == sorted([first.pk, second.pk])
    assert all(e.detail == {"operation": "deleted", "selected": 2} for e in deleted)


def test_an_inline_row_deleted_on_its_parents_page_is_a_deletion(assoc):
    person = PersonFactory()
    certificate = QualificationCertificateFactory(person=person)
    url = reverse("admin:people_person_change", args=[person.pk])
    data = form_data(assoc.get(url))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data[f"{prefix}-0-DELETE"] = "on"

    assert assoc.post(url, data).status_code == 302

    assert not QualificationCertificate.objects.filter(pk=certificate.pk).exists()
    deletion = events(Action.DELETED).get()
    assert (deletion.target_type, deletion.target_id) == (
        "people.qualificationcertificate",
        str(certificate.pk),
    )
    change = events(Action.RECORD_CHANGED).get()
    assert change.detail["related"] == [{"model": "people.qualificationcertificate", "operation": "deleted"}]


def test_a_deletion_is_not_kept_when_its_audit_event_cannot_be_written(assoc, monkeypatch):
    person = PersonFactory()

    def broken(**kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr("audit.admin_hooks.audit_log", broken)
    with pytest.raises(RuntimeError):
        assoc.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})

    assert Person.objects.filter(pk=person.pk).exists()


def test_an_admin_action_that_logs_its_change_is_recorded(assoc):
    employer = EmployerFactory(status=Employer.Status.PENDING)

    assoc.post(
        reverse("admin:people_employer_changelist"), {"action": "verify", "_selected_action": [employer.pk]}
    )

    event = events(Action.RECORD_CHANGED).get()
    assert (event.target_type, event.target_id) == ("people.employer", str(employer.pk))
    assert event.detail["operation"] == "changed"
    assert event.detail["note"]


def _csv_format(client, url) -> str:
    form = client.get(url).context["form"]
    # The one import format reads .xlsx or .csv by content (registry/sheet_formats.py).
    return next(str(v) for v, label in form.fields["format"].choices if "csv" in str(label).lower())


def test_the_project_import_is_one_catalogue_event_with_its_counts(client, training_centre_user):
    client.force_login(training_centre_user)
    existing = MetrologyProjectFactory(code="12.902", name="旧名称")
    import_url = reverse("admin:exams_metrologyproject_import")
    sheet = io.BytesIO(
        "项目代码,项目名称,专业类别代码,是否启用\n12.902,新名称,12,是\n12.903,新增项目,12,是\n".encode()
    )
    sheet.name = "projects.csv"

    preview = client.post(import_url, {"format": _csv_format(client, import_url), "import_file": sheet})
    assert not events().exists()  # a preview changes nothing
    client.post(
        reverse("admin:exams_metrologyproject_process_import"), preview.context["confirm_form"].initial
    )

    existing.refresh_from_db()
    assert existing.name == "新名称"
    event = events(Action.CATALOGUE_CHANGED).get()
    assert (event.target_type, event.target_id) == ("exams.metrologyproject", "")
    assert (event.detail["operation"], event.detail["new_rows"], event.detail["updated_rows"]) == (
        "imported",
        1,
        1,
    )


def test_the_score_import_is_recorded_against_its_session(client, training_centre_user):
    from exams.models import AssessmentResult
    from tests.factories import AssessmentSessionFactory

    client.force_login(training_centre_user)
    project = MetrologyProjectFactory()
    session = AssessmentSessionFactory(projects=[project])
    person = PersonFactory()
    import_url = reverse("admin:exams_assessmentresult_import")
    sheet = io.BytesIO(
        f"姓名,身份证号,项目代码,操作技能成绩,知识成绩\n{person.name},{person.id_number},{project.code},80,70\n".encode()
    )
    sheet.name = "scores.csv"

    preview = client.post(
        import_url, {"format": _csv_format(client, import_url), "session": session.pk, "import_file": sheet}
    )
    client.post(
        reverse("admin:exams_assessmentresult_process_import"), preview.context["confirm_form"].initial
    )

    assert AssessmentResult.objects.filter(session=session).count() == 1
    event = events(Action.RECORD_CHANGED).get()
    assert (event.target_type, event.target_id, event.detail["new_rows"]) == (
        "exams.assessmentsession",
        str(session.pk),
        1,
    )
    assert person.id_number not in str(event.detail)


def test_issuing_checking_and_revoking_assessment_certificates_are_recorded(training_centre_user):
    from exams.models import RecognisedCertificate
    from exams.services import assessment_certificate_revoke, certificates_check, certificates_issue
    from tests.factories import AssessmentResultFactory, RecognisedCertificateFactory

    issued = certificates_issue(results=[AssessmentResultFactory()], by=training_centre_user).certificates[0]
    recognised = RecognisedCertificateFactory()
    certificates_check(certificates=RecognisedCertificate.objects.all(), by=training_centre_user)
    assessment_certificate_revoke(certificate=issued, reason="证书信息有误", by=training_centre_user)

    operations = [(e.detail["operation"], e.target_type, e.target_id) for e in events(Action.RECORD_CHANGED)]
    assert operations == [
        ("issued", "exams.assessmentcertificate", ""),
        ("checked", "exams.recognisedcertificate", ""),
        ("revoked", "exams.assessmentcertificate", str(issued.pk)),
    ]
    first, second, third = events(Action.RECORD_CHANGED)
    assert first.detail["certificates"] == [issued.number]
    assert second.detail["certificates"] == [str(recognised)]
    assert third.detail["reason"] == "证书信息有误"
    assert all(e.actor == training_centre_user for e in events())


def test_revoking_through_the_certificate_page_is_recorded_once(client, training_centre_user):
    from exams.services import certificates_issue
    from tests.factories import AssessmentResultFactory

    client.force_login(training_centre_user)
    certificate = certificates_issue(
        results=[AssessmentResultFactory()], by=training_centre_user
    ).certificates[0]
    before = events().count()
    url = reverse("admin:exams_assessmentcertificate_change", args=[certificate.pk])

    response = client.post(url, {"revocation_reason": "挂靠"})

    assert response.status_code == 302
    new = list(events()[before:])
    assert [(e.detail["operation"], e.detail.get("reason")) for e in new] == [("revoked", "挂靠")]


def test_staff_without_rights_cannot_reach_the_hook(client):
    client.force_login(UserFactory(role=Role.BUREAU))
    person = PersonFactory()
    response = client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code in (302, 403)
    assert Person.objects.filter(pk=person.pk).exists()
    assert not events().exists()
