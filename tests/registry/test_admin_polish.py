"""The association's admin as a polished e-service (issue 18, admin): history captions and details in
Chinese, only the buttons the user may use, the correction notice pre-ticked and kept on refusal, an
issued application's certificate linked, deadlines moved by the calendar in the history, the notification
log without keys, the provisional-year banner only for those who count deadlines, a local favicon."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from accounts.roles import Role
from registry.materials import MaterialKind
from registry.models import Application, AuditEntry, NotificationLog
from registry.services import applications as services
from registry.services.deadlines import DEADLINE_MOVED, open_deadlines_recompute
from registry.workflow import ApplicationState, action_label, state_label
from tests.factories import ApplicationFactory, RegistrationCertificateFactory, UserFactory
from tests.registry.conftest import MONDAY, ready_rename_application

pytestmark = pytest.mark.django_db


def _change(application) -> str:
    return reverse("admin:registry_application_change", args=[application.pk])


def _transition(application, name: str) -> str:
    return reverse("admin:registry_application_transition", args=[application.pk, name])


# --- history: captions and details ------------------------------------------------------------------
def test_a_history_row_reads_as_its_action_and_states_never_slugs():
    entry = AuditEntry(transition="accept", from_state="submitted", to_state="accepted")
    assert str(entry) == f"{action_label('accept')}：{state_label('submitted')} → {state_label('accepted')}"
    assert "accept" not in str(entry)
    assert "submitted" not in str(entry)
    created = AuditEntry(transition="create", from_state="", to_state="draft")
    assert str(created) == f"{action_label('create')}：{state_label('draft')}"
    assert not re.search(r"[a-z]{3,}", str(created))


def test_the_correction_notice_in_the_history_lists_materials_by_name(client, association_user, monday):
    application = ApplicationFactory(submitted=True)
    services.application_request_corrections(
        application=application, items=["photo", "application_form"], note="照片不清晰", by=association_user
    )
    client.force_login(association_user)
    html = client.get(_change(application)).content.decode()
    assert str(MaterialKind.PHOTO.label) in html
    assert str(MaterialKind.APPLICATION_FORM.label) in html
    assert '{"items"' not in html
    assert "{&quot;items&quot;" not in html
    assert "request_corrections:" not in html


# --- buttons ----------------------------------------------------------------------------------------
def test_whoever_accepted_is_not_offered_approve_or_deny(client, association_user, second_reviewer, monday):
    application = services.application_accept(
        application=ready_rename_application(submitted=True), by=association_user
    )
    client.force_login(association_user)
    html = client.get(_change(application)).content.decode()
    assert _transition(application, "approve") not in html
    assert _transition(application, "deny") not in html

    client.force_login(second_reviewer)
    html = client.get(_change(application)).content.decode()
    assert _transition(application, "approve") in html
    assert _transition(application, "deny") in html


# --- the correction notice --------------------------------------------------------------------------
def _ticked(html: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" name="items" value="([a-z_]+)"[^>]*checked', html))


def test_the_notice_comes_with_the_missing_materials_ticked(client, association_user, monday):
    application = ApplicationFactory(submitted=True)  # no material uploaded at all
    client.force_login(association_user)
    html = client.get(_transition(application, "request_corrections")).content.decode()
    assert _ticked(html) == {
        MaterialKind.APPLICATION_FORM,
        MaterialKind.QUALIFICATION_CERTIFICATE,
        MaterialKind.ASSESSMENT_CERTIFICATE,
        MaterialKind.PHOTO,
    }
    assert 'class="module aligned transition-form"' in html


def test_an_empty_notice_keeps_the_form_with_its_error(client, association_user, monday):
    application = ApplicationFactory(submitted=True)
    client.force_login(association_user)
    response = client.post(_transition(application, "request_corrections"), {"items": [], "note": "   "})
    assert response.status_code == 200  # the form again, not a redirect that loses it
    html = response.content.decode()
    assert gettext("List the missing or defective materials, or describe them in the note.") in html
    assert _ticked(html) == set()  # what was posted, not the initial ticks
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_a_refused_notice_keeps_what_was_typed(client, association_user, monday):
    """Refused by the service (here: an unknown kind smuggled in is refused by the form's choices)."""
    application = ApplicationFactory(submitted=True)
    client.force_login(association_user)
    response = client.post(
        _transition(application, "request_corrections"),
        {"items": ["photo", "<script>x</script>"], "note": "请补交照片"},
    )
    assert response.status_code == 200
    assert "请补交照片" in response.content.decode()
    assert "<script>x</script>" not in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_a_second_notice_is_refused_on_the_form_itself(client, association_user, monday):
    application = ApplicationFactory(submitted=True)
    client.force_login(association_user)
    url = _transition(application, "request_corrections")
    assert client.post(url, {"items": ["photo"], "note": ""}).status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.CORRECTIONS_REQUESTED
    assert AuditEntry.objects.filter(application=application, transition="request_corrections").count() == 1


# --- an issued application links to its certificate -------------------------------------------------
def test_an_issued_application_links_to_its_certificate(client, association_user):
    certificate = RegistrationCertificateFactory()
    client.force_login(association_user)
    html = client.get(_change(certificate.application)).content.decode()
    link = reverse("admin:registry_registrationcertificate_change", args=[certificate.pk])
    assert f'<a href="{link}">{certificate.number}</a>' in html


def test_an_open_application_links_to_no_certificate(client, association_user):
    application = ApplicationFactory(submitted=True)
    client.force_login(association_user)
    html = client.get(_change(application)).content.decode()
    assert not re.search(r"/admin/registry/registrationcertificate/\d+/change/", html)


# --- a calendar change that moves a deadline shows in the application's history ---------------------
def test_a_moved_deadline_is_in_the_applications_history(client, association_user, monday):
    moved = ApplicationFactory(submitted=True)
    kept = ApplicationFactory(submitted=True)
    stale = moved.acceptance_due_on + dt.timedelta(days=1)
    Application.objects.filter(pk=moved.pk).update(acceptance_due_on=stale, current_due_on=stale)

    assert open_deadlines_recompute(changed_days=[MONDAY + dt.timedelta(days=3)]) == 1

    entry = AuditEntry.objects.get(application=moved, transition=DEADLINE_MOVED)
    moved.refresh_from_db()
    assert entry.is_system
    assert entry.by is None
    assert entry.detail == {
        "deadline": "acceptance_due_on",
        "old": stale.isoformat(),
        "new": moved.acceptance_due_on.isoformat(),
    }
    assert not AuditEntry.objects.filter(application=kept, transition=DEADLINE_MOVED).exists()
    client.force_login(association_user)
    html = client.get(_change(moved)).content.decode()
    assert action_label(DEADLINE_MOVED) in html
    assert str(Application._meta.get_field("acceptance_due_on").verbose_name) in html
    assert stale.isoformat() in html


# --- the notification log ---------------------------------------------------------------------------
def test_the_notification_log_shows_no_idempotency_key(admin_client):
    log = NotificationLog.objects.create(
        channel=NotificationLog.Channel.EMAIL,
        key="application:6:57484:employer",
        recipient="hr@example.cn",
        subject="申请 SQ00000006 已受理",
        body="……",
    )
    for url in (
        reverse("admin:registry_notificationlog_changelist"),
        reverse("admin:registry_notificationlog_change", args=[log.pk]),
    ):
        html = admin_client.get(url).content.decode()
        assert "application:6:57484" not in html
        assert "申请 SQ00000006 已受理" in html
    # still found by its key
    found = admin_client.get(reverse("admin:registry_notificationlog_changelist"), {"q": log.key})
    assert "申请 SQ00000006 已受理" in found.content.decode()


# --- the provisional-year banner ---------------------------------------------------------------------
NOVEMBER = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.ASSOCIATION, True), (Role.TRAINING_CENTRE, False), (Role.AUDITOR, False)],
)
def test_the_provisional_year_banner_is_for_those_who_count_deadlines(client, role, shown):
    client.force_login(UserFactory(username=f"banner-{role}", role=role))
    with time_machine.travel(NOVEMBER, tick=False):
        html = client.get(reverse("admin:index")).content.decode()
    assert ('data-testid="calendar-banner"' in html) is shown


# --- favicon ------------------------------------------------------------------------------------------
def test_admin_and_portal_pages_name_a_local_favicon(client, association_user):
    assert (Path(settings.BASE_DIR) / "static" / "favicon.ico").stat().st_size > 0
    for path in (reverse("login"), reverse("admin:login")):
        assert 'rel="icon" href="/static/favicon.ico"' in client.get(path).content.decode()
    client.force_login(association_user)
    assert 'rel="icon" href="/static/favicon.ico"' in client.get(reverse("admin:index")).content.decode()


# --- Django's two-box picker speaks Chinese -----------------------------------------------------------
def test_the_admins_script_catalogue_translates_the_two_box_picker(admin_client):
    body = admin_client.get(reverse("admin:jsi18n")).content.decode()
    match = re.search(r"const newcatalog = (\{.*?\});\n", body, re.DOTALL)
    assert match is not None
    catalog = json.loads(match.group(1))
    for msgid in ("Choose all %s", "Remove all %s", "Choose selected %s"):
        assert msgid in catalog, msgid
        assert catalog[msgid] != msgid
        assert "%s" in catalog[msgid]
        assert not re.search(r"[A-Za-z]{2,}", catalog[msgid].replace("%s", ""))
