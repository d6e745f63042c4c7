"""Issue 14, item 8: every decision on an application is also a written, dated document.

受理通知书 (acceptance, deemed acceptance too), 不予受理决定书 and 不予批准决定书 (with the reason and the
applicant's rights to administrative reconsideration or litigation, with their time limits), and the
one-time 补正材料通知书 with its checklist: each generated after its transition commits, stored once,
downloaded by the employer that applied (nobody else's) and by staff in the admin, every download audited.
The PDFs are read back with pdftotext; the checks use what prints the same in any catalogue (names, numbers,
dates, configured bodies, the user's own text, translated labels).
"""

import datetime as dt
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from audit.describe import summary
from audit.models import Action, AuditEvent
from registry.materials import MaterialKind
from registry.models import DecisionDocument, DecisionKind
from registry.services import applications as services
from registry.services.decision_documents import (
    decision_document_generate,
    decision_documents_ensure,
    decision_notice,
)
from registry.workflow import ApplicationState
from tests.factories import (
    ApplicationFactory,
    AssessmentCertificateFactory,
    EmployerFactory,
    MetrologyProjectFactory,
    QualificationCertificateFactory,
    UserFactory,
)
from tests.registry.conftest import MONDAY, at, attach_required

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)"),
]

REASON = "申请人所在单位为授权计量检定机构，不属于本次试点注册范围。"
DENIAL_REASON = "所申请项目的计量专业项目考核合格证已被撤销。"


@pytest.fixture
def application(db):
    project = MetrologyProjectFactory(name="压力表")
    application = ApplicationFactory(
        projects=[project], employer=EmployerFactory(name="哈尔滨北方精密仪表有限公司")
    )
    QualificationCertificateFactory(person=application.person, level=application.level)
    AssessmentCertificateFactory(person=application.person, projects=[project])
    attach_required(application)
    return application


@pytest.fixture
def clerk(application):
    return UserFactory(username="clerk-a", role=Role.ENTERPRISE, employer=application.employer)


def _text(document: DecisionDocument, tmp_path: Path) -> str:
    path = tmp_path / f"{document.pk}.pdf"
    with document.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def _squash(text: str) -> str:
    return "".join(text.split())


def _zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


@contextmanager
def _on(day: dt.date, capture):
    """On `day`, with the callbacks of committed transactions run (the workers' tasks run in-process)."""
    with time_machine.travel(at(day), tick=False), capture(execute=True):
        yield


def _submitted(application, clerk, capture):
    with time_machine.travel(at(MONDAY), tick=False), capture(execute=True):
        services.application_submit(application=application, by=clerk)


def _only(application, kind) -> DecisionDocument:
    documents = list(DecisionDocument.objects.filter(application=application))
    assert [d.kind for d in documents] == [kind]
    return documents[0]


def test_an_acceptance_notice_is_written_when_the_acceptance_commits(
    application, clerk, association_user, django_capture_on_commit_callbacks, tmp_path
):
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    assert not DecisionDocument.objects.exists()  # a submission is no decision
    with _on(dt.date(2026, 3, 4), django_capture_on_commit_callbacks):
        services.application_accept(application=application, by=association_user)
    document = _only(application, DecisionKind.ACCEPTANCE)
    assert document.number == f"{application.number}-SL"
    assert document.issued_on == dt.date(2026, 3, 4)
    assert document.pdf.name == f"decisions/2026/{application.number}-SL.pdf"
    text = _text(document, tmp_path)
    assert "受理通知书" in text
    assert "不予受理" not in text
    for printed in [document.number, application.person.name, "哈尔滨北方精密仪表有限公司", "初始注册"]:
        assert _squash(printed) in text
    assert "2026年3月2日" in text  # received
    assert "2026年3月4日" in text  # accepted, and the notice's date
    assert "2026年3月16日" in text  # approval due: 10 working days after receipt
    assert "行政复议" not in text
    assert "黑龙江省人民政府" not in text


def test_a_deemed_acceptance_gets_a_notice_saying_accepted_from_the_receipt_date(
    application, clerk, django_capture_on_commit_callbacks, tmp_path
):
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    # Due on 9 March (5 working days); nobody decided; the sweep notices on 11 March.
    with _on(dt.date(2026, 3, 11), django_capture_on_commit_callbacks):
        assert services.applications_deem_accepted_overdue() == [application.pk]
    document = _only(application, DecisionKind.ACCEPTANCE)
    assert document.issued_on == dt.date(2026, 3, 11)  # dated the day the system recorded it
    application.refresh_from_db()
    notice = decision_notice(application, DecisionKind.ACCEPTANCE)
    assert notice.deemed is True
    assert notice.accepted == notice.received == MONDAY
    text = _text(document, tmp_path)
    assert "受理通知书" in text
    assert text.count("2026年3月2日") >= 2  # received, and accepted from that day
    assert "2026年3月11日" in text


def test_a_non_acceptance_decision_states_the_reason_and_the_rights_of_appeal(
    application, clerk, association_user, django_capture_on_commit_callbacks, tmp_path
):
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with _on(dt.date(2026, 3, 3), django_capture_on_commit_callbacks):
        services.application_not_accept(application=application, by=association_user, reason=REASON)
    document = _only(application, DecisionKind.NON_ACCEPTANCE)
    assert (document.number, document.issued_on) == (f"{application.number}-BSL", dt.date(2026, 3, 3))
    text = _text(document, tmp_path)
    assert "不予受理决定书" in text
    assert REASON in text
    assert application.number in text
    assert "2026年3月2日" in text
    assert "2026年3月3日" in text
    # The rights: reconsideration before the provincial government within 60 days, an action before the
    # court with jurisdiction within 6 months.
    assert "黑龙江省人民政府" in text
    assert "有管辖权的人民法院" in text
    assert "60" in text
    assert "6" in text.replace("60", "")


def test_a_denial_states_the_reason_and_the_rights_of_appeal(
    application, clerk, association_user, second_reviewer, django_capture_on_commit_callbacks, tmp_path
):
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with _on(dt.date(2026, 3, 3), django_capture_on_commit_callbacks):
        services.application_accept(application=application, by=association_user)
    with _on(dt.date(2026, 3, 10), django_capture_on_commit_callbacks):
        services.application_deny(application=application, by=second_reviewer, reason=DENIAL_REASON)
    kinds = set(DecisionDocument.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == {DecisionKind.ACCEPTANCE, DecisionKind.DENIAL}
    document = DecisionDocument.objects.get(application=application, kind=DecisionKind.DENIAL)
    assert (document.number, document.issued_on) == (f"{application.number}-BPZ", dt.date(2026, 3, 10))
    text = _text(document, tmp_path)
    assert "不予批准决定书" in text
    assert DENIAL_REASON in text
    assert "2026年3月2日" in text
    assert "2026年3月3日" in text
    assert "2026年3月10日" in text
    assert "黑龙江省人民政府" in text
    assert "有管辖权的人民法院" in text
    assert "60" in text


def test_the_bodies_named_in_the_rights_are_configured_in_one_place(
    application, clerk, association_user, django_capture_on_commit_callbacks, tmp_path, settings
):
    settings.REGISTRY_RECONSIDERATION_BODY = "国家市场监督管理总局"
    settings.REGISTRY_LITIGATION_COURT = "哈尔滨铁路运输法院"
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with _on(dt.date(2026, 3, 3), django_capture_on_commit_callbacks):
        services.application_not_accept(application=application, by=association_user, reason=REASON)
    text = _text(_only(application, DecisionKind.NON_ACCEPTANCE), tmp_path)
    assert "国家市场监督管理总局" in text
    assert "哈尔滨铁路运输法院" in text
    assert "黑龙江省人民政府" not in text


def test_the_correction_notice_lists_every_material_to_correct(
    application, clerk, association_user, django_capture_on_commit_callbacks, tmp_path
):
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with _on(dt.date(2026, 3, 4), django_capture_on_commit_callbacks):
        services.application_request_corrections(
            application=application,
            items=[MaterialKind.PHOTO, MaterialKind.ASSESSMENT_CERTIFICATE],
            note="照片须为近期二寸免冠彩色照片。",
            by=association_user,
        )
    document = _only(application, DecisionKind.CORRECTION)
    assert (document.number, document.issued_on) == (f"{application.number}-BZ", dt.date(2026, 3, 4))
    text = _text(document, tmp_path)
    assert "补正材料通知书" in text
    assert _squash(_zh(MaterialKind.PHOTO.label)) in text
    assert _squash(_zh(MaterialKind.ASSESSMENT_CERTIFICATE.label)) in text
    assert _squash(_zh(MaterialKind.APPLICATION_FORM.label)) not in text
    assert "照片须为近期二寸免冠彩色照片。" in text
    assert "2026年3月2日" in text
    assert "2026年3月4日" in text

    # Resubmitted later: the notice still answers the first receipt, and is not written again.
    with _on(dt.date(2026, 3, 9), django_capture_on_commit_callbacks):
        services.application_resubmit(application=application, by=clerk)
    assert DecisionDocument.objects.filter(application=application).count() == 1
    application.refresh_from_db()
    assert decision_notice(application, DecisionKind.CORRECTION).received == MONDAY


def test_a_written_decision_is_stored_once(
    application, clerk, association_user, django_capture_on_commit_callbacks
):
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with time_machine.travel(at(dt.date(2026, 3, 3)), tick=False):
        services.application_accept(application=application, by=association_user)  # no worker ran
        assert decision_documents_ensure() == 1  # the sweep finds what the worker missed
    document = DecisionDocument.objects.get(application=application)
    name, generated_at = document.pdf.name, document.generated_at
    files = default_storage.listdir(f"decisions/{document.issued_on.year}")[1]

    with time_machine.travel(at(dt.date(2026, 3, 20)), tick=False):
        again = decision_document_generate(application_id=application.pk, kind=DecisionKind.ACCEPTANCE)
        assert decision_documents_ensure() == 0
    assert again.pk == document.pk
    again.refresh_from_db()
    assert (again.pdf.name, again.generated_at) == (name, generated_at)
    assert default_storage.listdir(f"decisions/{document.issued_on.year}")[1] == files
    assert DecisionDocument.objects.count() == 1
    # No decision, no document: a submitted application has no acceptance notice to write.
    other = ApplicationFactory(submitted=True)
    assert decision_document_generate(application_id=other.pk, kind=DecisionKind.ACCEPTANCE) is None
    assert decision_document_generate(application_id=other.pk, kind=DecisionKind.DENIAL) is None


def test_the_employer_downloads_its_own_decisions_and_nobody_elses(
    client, application, clerk, association_user, django_capture_on_commit_callbacks
):
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with _on(dt.date(2026, 3, 3), django_capture_on_commit_callbacks):
        services.application_not_accept(application=application, by=association_user, reason=REASON)
    document = DecisionDocument.objects.get(application=application)
    url = reverse("portal:decision_pdf", args=[document.pk])

    client.force_login(clerk)
    page = client.get(reverse("portal:application_detail", args=[application.pk])).content.decode()
    assert url in page
    assert document.number in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{document.number}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action=Action.DOWNLOADED)
    assert event.actor_id == clerk.pk
    assert event.detail == {"file": "decision", "kind": "non_acceptance", "application": application.number}
    assert str(DecisionKind.NON_ACCEPTANCE.label) in summary(event)

    foreign = UserFactory(username="clerk-b", role=Role.ENTERPRISE, employer=EmployerFactory())
    client.force_login(foreign)
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action=Action.DOWNLOADED).count() == 1


def test_staff_find_the_decisions_on_the_applications_admin_page(
    client, application, clerk, association_user, django_capture_on_commit_callbacks
):
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with _on(dt.date(2026, 3, 3), django_capture_on_commit_callbacks):
        services.application_accept(application=application, by=association_user)
    document = DecisionDocument.objects.get(application=application)
    url = reverse("admin:registry_application_decision_download", args=[application.pk, document.pk])
    client.force_login(association_user)
    page = client.get(reverse("admin:registry_application_change", args=[application.pk])).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=Action.DOWNLOADED, actor=association_user).count() == 1
    # A document of another application is not reachable under this one's address.
    other = ApplicationFactory(submitted=True)
    wrong = reverse("admin:registry_application_decision_download", args=[other.pk, document.pk])
    assert client.get(wrong).status_code == 404


def test_no_written_decision_prints_the_full_resident_id_number(
    application, clerk, association_user, second_reviewer, django_capture_on_commit_callbacks, tmp_path
):
    refused = ApplicationFactory(submitted=True, employer=application.employer)
    corrected = ApplicationFactory(submitted=True, employer=application.employer)
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with _on(dt.date(2026, 3, 3), django_capture_on_commit_callbacks):
        services.application_accept(application=application, by=association_user)
        services.application_not_accept(application=refused, by=association_user, reason=REASON)
        services.application_request_corrections(
            application=corrected, items=[MaterialKind.PHOTO], note="", by=association_user
        )
    with _on(dt.date(2026, 3, 4), django_capture_on_commit_callbacks):
        services.application_deny(application=application, by=second_reviewer, reason=DENIAL_REASON)
    documents = list(DecisionDocument.objects.all())
    assert {d.kind for d in documents} == set(DecisionKind.values)
    for document in documents:
        id_number = document.application.person.id_number
        text = _text(document, tmp_path)
        assert document.application.person.name in text
        assert id_number not in text
        assert id_number[6:14] not in text  # not even the birth date in it
    refused.refresh_from_db()
    assert refused.state == ApplicationState.NOT_ACCEPTED


def test_a_reason_is_printed_as_typed_never_as_markup(
    application, clerk, association_user, django_capture_on_commit_callbacks, tmp_path
):
    reason = "材料<b>不全</b> & 复印件模糊 <br/>（第2页）"
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with _on(dt.date(2026, 3, 3), django_capture_on_commit_callbacks):
        services.application_not_accept(application=application, by=association_user, reason=reason)
    assert _squash(reason) in _text(_only(application, DecisionKind.NON_ACCEPTANCE), tmp_path)


def test_a_name_the_font_cannot_draw_leaves_the_decision_for_the_sweep(
    application, clerk, association_user, django_capture_on_commit_callbacks, caplog
):
    application.person.name = "李\U0002a6a5"  # a CJK Extension B character the embedded font lacks
    application.person.save(update_fields=["name"])
    _submitted(application, clerk, django_capture_on_commit_callbacks)
    with _on(dt.date(2026, 3, 3), django_capture_on_commit_callbacks):
        services.application_accept(application=application, by=association_user)
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED  # the decision stands; its document waits
    assert not DecisionDocument.objects.exists()
    assert "cannot be generated" in caplog.text
    application.person.name = "李明"
    application.person.save(update_fields=["name"])
    assert decision_documents_ensure() == 1
