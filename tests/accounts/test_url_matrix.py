"""Who gets what: every URL the resolver knows, for every role (issue 11, "Done when").

The URLs are read from `get_resolver()`, so a URL added anywhere is probed the day it is added, and the
test `test_every_url_is_classified` fails until its author says here who may open it. Each role's test
opens every URL once as that role (a GET; an empty POST for views that answer only POST, inside a
rolled-back transaction) and compares the outcome with the table; one assertion lists every mismatch.

Outcomes: **allowed** is a 2xx page or a redirect the view intends (not to a login page); **refused** is a
redirect to a login page, 403 or 404 — and, on an admin object's page, Django's "no such object" redirect
to the admin index. Anything else (400, 405, 429, 500) is a mismatch for everyone.

How to classify a new URL (the failure message names it):
1. A page outside the admin, or a site-wide admin page: add `"namespace:name": WHO` to PAGES. WHO is a set
   of role names (the shorthands below combine with `|`), wrapped in `post(...)` if the view answers only
   POST, or `NotProbed("why")` when no request can tell (sign-out). If the URL takes parameters, add a
   line to `parameters()` saying which objects fill them; each variant it returns (e.g. `own` / `other`
   employer) is classified separately as `"namespace:name[variant]"`.
2. A model newly registered in the admin: add its label to ADMIN_MODELS (who may see it, add, delete)
   and an object of it to `world()`'s `admin_objects`. The changelist, add, change, history, delete and
   object-redirect URLs are then classified from that one row.
3. A custom admin view (`get_urls`): add its URL name to PAGES like (1), its parameters to
   `parameters()`.
4. A new autocomplete field: add `"app.model.field": WHO` to AUTOCOMPLETE (who may see the target model).
Sessions come from `client.force_login`, which the two-factor slice treats as verified.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from accounts.roles import Role
from audit.models import Action
from audit.services import audit_log
from exams.models import MetrologyCategory
from exchange.models import AccessLog
from registry.models import DecisionDocument, NotificationLog
from registry.services.materials import material_attach
from reports.models import AnnualReport, ReportReminder, ReportVersion
from supervision import services as supervision_services
from supervision.models import PlanKind, checklist_items
from tests.factories import (
    ApplicationFactory,
    AssessmentCertificateFactory,
    AssessmentResultFactory,
    AssessmentSessionFactory,
    BatchFactory,
    CheckFactory,
    EmployerFactory,
    EvidenceFactory,
    FindingFactory,
    InspectorConflictFactory,
    MeasureFactory,
    MetrologyProjectFactory,
    QualificationCertificateFactory,
    RecognisedCertificateFactory,
    RegistrationCertificateFactory,
    UserFactory,
    VerifierCertificateFactory,
)
from tests.factories.exchange import ApiKeyFactory, InboundCertificateFactory
from tests.portal_files import pdf_bytes
from training import services as training_services
from workdays.models import CalendarChange, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

# --- the roles -----------------------------------------------------------------------------------------
ANON = "anonymous"
ENTERPRISE_A = "enterprise"  # a clerk of a verified employer
ENTERPRISE_PENDING = "enterprise_unverified"  # a clerk of an employer not yet verified
ASSOCIATION = "association"
CENTRE = "training_centre"
BUREAU = "bureau"
INSPECTOR = "inspector"
AUDITOR = "auditor"
SUPERUSER = "superuser"
ROLES = (ANON, ENTERPRISE_A, ENTERPRISE_PENDING, ASSOCIATION, CENTRE, BUREAU, INSPECTOR, AUDITOR, SUPERUSER)

Roles = frozenset[str]
EVERYONE: Roles = frozenset(ROLES)
NOBODY: Roles = frozenset()
SIGNED_IN = EVERYONE - {ANON}
ENTERPRISE = frozenset({ENTERPRISE_A, ENTERPRISE_PENDING})
ASSOC_SU = frozenset({ASSOCIATION, SUPERUSER})
CENTRE_SU = frozenset({CENTRE, SUPERUSER})
# Who enters the admin at all: the staff roles (accounts.roles.STAFF_ROLES) and superusers.
ADMIN_USERS = frozenset({ASSOCIATION, CENTRE, AUDITOR, SUPERUSER})
ASSESSMENT_READERS = frozenset({ASSOCIATION, CENTRE, SUPERUSER})


@dataclass(frozen=True)
class Post:
    """A view that answers only POST: probed with an empty POST (rolled back)."""

    allowed: Roles


def post(allowed: Roles) -> Post:
    return Post(frozenset(allowed))


@dataclass(frozen=True)
class NotProbed:
    reason: str


Rule = Roles | Post | NotProbed

# --- the table -------------------------------------------------------------------------------------------
PAGES: dict[str, Rule] = {
    # Signing in and out, passwords, language, the landing page.
    "home": SIGNED_IN,  # redirects each role to where it works
    "no_role": EVERYONE,
    "login": EVERYONE,
    "logout": NotProbed("POST only, and it ends the session; tests/e2e/test_login_by_role.py signs out"),
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,  # a made-up link: the "invalid link" page
    "password_reset_complete": EVERYONE,
    "set_language": EVERYONE,
    # Two-factor authentication (accounts/two_factor_views.py): the set-up and code pages for whoever is
    # signed in; a superuser resets someone's authenticator.
    "two_factor:setup": SIGNED_IN,
    "two_factor:verify": SIGNED_IN,
    "two_factor:reset": {SUPERUSER},
    # The enterprise portal: own employer's objects only. Superusers pass role_required but have no
    # employer: pages that need one answer 404.
    "portal:home": ENTERPRISE | {SUPERUSER},
    "portal:sign_up": EVERYONE,  # a signed-in user is sent home
    "portal:colleagues": ENTERPRISE,
    "portal:colleague_add": ENTERPRISE,
    "portal:sheet_template": ENTERPRISE | {SUPERUSER},
    "portal:application_form": ENTERPRISE | {SUPERUSER},  # the same blank form for everyone
    "portal:sheet_check": ENTERPRISE,
    "portal:batches": ENTERPRISE,
    "portal:batch_detail[own]": ENTERPRISE,
    "portal:batch_detail[other]": NOBODY,
    "portal:applicant_add[own]": ENTERPRISE,
    "portal:applicant_add[other]": NOBODY,
    "portal:sheet_upload[own]": post(ENTERPRISE),
    "portal:sheet_upload[other]": post(NOBODY),
    "portal:sheet_confirm[own]": post(ENTERPRISE),
    "portal:sheet_confirm[other]": post(NOBODY),
    "portal:batch_submit[own]": post(ENTERPRISE),
    "portal:batch_submit[other]": post(NOBODY),
    "portal:application_detail[own]": ENTERPRISE,
    "portal:application_detail[other]": NOBODY,
    "portal:material_upload[own]": post(ENTERPRISE),
    "portal:material_upload[other]": post(NOBODY),
    "portal:application_resubmit[own]": post(ENTERPRISE),
    "portal:application_resubmit[other]": post(NOBODY),
    "portal:application_withdraw[own]": post(ENTERPRISE),
    "portal:application_withdraw[other]": post(NOBODY),
    "portal:material_download[own]": ENTERPRISE,
    "portal:material_download[other]": NOBODY,
    "portal:material_replace[own]": post(ENTERPRISE),
    "portal:material_replace[other]": post(NOBODY),
    "portal:holders": ENTERPRISE,
    "portal:holder_detail[own]": ENTERPRISE,
    "portal:holder_detail[other]": NOBODY,
    "portal:holder_departure[own]": post(ENTERPRISE),
    "portal:holder_departure[other]": post(NOBODY),
    "portal:certificate_pdf[own]": ENTERPRISE,
    "portal:certificate_pdf[other]": NOBODY,
    "portal:decision_pdf[own]": ENTERPRISE,
    "portal:decision_pdf[other]": NOBODY,
    # Continuing education in the portal (training/urls.py): the employer's own activities and entries.
    "training:ledger": ENTERPRISE,
    "training:compliance": ENTERPRISE,
    "training:activity_add": ENTERPRISE,
    "training:sheet_template": ENTERPRISE | {SUPERUSER},  # the same blank template for everyone
    "training:activity_detail[own]": ENTERPRISE,
    "training:activity_detail[other]": NOBODY,
    "training:participants_add[own]": ENTERPRISE,
    "training:participants_add[other]": NOBODY,
    "training:sheet_upload[own]": post(ENTERPRISE),
    "training:sheet_upload[other]": post(NOBODY),
    "training:sheet_confirm[own]": post(ENTERPRISE),
    "training:sheet_confirm[other]": post(NOBODY),
    "training:attendance_list[own]": ENTERPRISE,
    "training:attendance_list[other]": NOBODY,
    "training:entry_change[own]": ENTERPRISE,
    "training:entry_change[other]": NOBODY,
    "training:entry_withdraw[own]": post(ENTERPRISE),
    "training:entry_withdraw[other]": post(NOBODY),
    "training:evidence[own]": ENTERPRISE,
    "training:evidence[other]": NOBODY,
    # The bureau's reports, the inspectors' supervision pages.
    "reports:home": {ASSOCIATION, BUREAU, SUPERUSER},  # the dashboard (aggregates only)
    "reports:period": {ASSOCIATION, BUREAU, SUPERUSER},  # the report on any period
    "reports:period_pdf": {ASSOCIATION, BUREAU, SUPERUSER},  # without a period: sent to the form
    "reports:period_xlsx": {ASSOCIATION, BUREAU, SUPERUSER},
    "training_reports:compliance": {BUREAU, SUPERUSER},  # aggregates only
    "supervision:home": {BUREAU, INSPECTOR, SUPERUSER},
    # The inspector's checks: "own" is assigned to the matrix's inspector, "other" to two others; the
    # bureau opens every check. An empty POST re-shows the page with its errors (or, to complete, says
    # what is missing).
    "supervision:check_list": {BUREAU, INSPECTOR, SUPERUSER},
    "supervision:check_detail[own]": {BUREAU, INSPECTOR, SUPERUSER},
    "supervision:check_detail[other]": {BUREAU, SUPERUSER},
    "supervision:evidence_download[own]": {BUREAU, INSPECTOR, SUPERUSER},
    "supervision:evidence_download[other]": {BUREAU, SUPERUSER},
    "supervision:evidence_upload[own]": post({BUREAU, INSPECTOR, SUPERUSER}),
    "supervision:evidence_upload[other]": post({BUREAU, SUPERUSER}),
    "supervision:check_complete[own]": post({BUREAU, INSPECTOR, SUPERUSER}),
    "supervision:check_complete[other]": post({BUREAU, SUPERUSER}),
    "supervision:measure_add[own]": post({BUREAU, INSPECTOR, SUPERUSER}),
    "supervision:measure_add[other]": post({BUREAU, SUPERUSER}),
    "supervision:measure_follow_up[own]": post({BUREAU, INSPECTOR, SUPERUSER}),
    "supervision:measure_follow_up[other]": post({BUREAU, SUPERUSER}),
    # The bureau's spot-check plans (a draft: it may be changed and drawn; completing it sends it back).
    "supervision:plan_list": {BUREAU, SUPERUSER},
    "supervision:plan_new": {BUREAU, SUPERUSER},
    "supervision:plan_detail": {BUREAU, SUPERUSER},
    "supervision:plan_edit": {BUREAU, SUPERUSER},
    "supervision:plan_draw": {BUREAU, SUPERUSER},  # a GET asks for confirmation
    "supervision:plan_complete": {BUREAU, SUPERUSER},  # a draft: sent back to its page
    # An inspector's own declared conflicts of interest; another inspector's is 404.
    "supervision:conflict_list": {INSPECTOR, SUPERUSER},
    "supervision:conflict_withdraw[own]": post({INSPECTOR}),
    "supervision:conflict_withdraw[other]": post(NOBODY),
    # The public page of spot checks (一公开): drawn plans for everyone, a draft for nobody.
    "supervision:public_list": EVERYONE,
    "supervision:public_detail[drawn]": EVERYONE,
    "supervision:public_detail[draft]": NOBODY,
    # Assistance visits and feedback: the bureau reads the lists (masked contacts); the association works
    # them in the admin; the enterprise has its own in the portal (supervision/urls_portal.py).
    "supervision:visits": {BUREAU, SUPERUSER},
    "supervision:feedback": {BUREAU, SUPERUSER},
    # The yearly report to the bureau (reports/urls.py): the association writes and submits the draft; the
    # bureau answers a submitted version; both read versions and their files; everyone else gets 404.
    "annual_reports:list": {ASSOCIATION, BUREAU, SUPERUSER},
    "annual_reports:draft": ASSOC_SU,
    "annual_reports:draft_pdf": ASSOC_SU,
    "annual_reports:draft_xlsx": ASSOC_SU,
    "annual_reports:edit": ASSOC_SU,
    "annual_reports:submit": ASSOC_SU,  # a GET asks for confirmation
    "annual_reports:version": {ASSOCIATION, BUREAU, SUPERUSER},
    "annual_reports:version_pdf": {ASSOCIATION, BUREAU, SUPERUSER},
    "annual_reports:version_xlsx": {ASSOCIATION, BUREAU, SUPERUSER},
    "annual_reports:return": post({BUREAU, SUPERUSER}),  # an empty comment: the page with the error
    "annual_reports:acknowledge": post({BUREAU, SUPERUSER}),
    "supervision_portal:visits": ENTERPRISE,
    "supervision_portal:visit_request": ENTERPRISE,
    "supervision_portal:visit_detail[own]": ENTERPRISE,
    "supervision_portal:visit_detail[other]": NOBODY,
    "supervision_portal:feedback": ENTERPRISE,
    "supervision_portal:feedback_submit": ENTERPRISE,
    # The public feedback form and the page its tracking code opens (an unknown code: 404 for everyone).
    "public_feedback:form": EVERYONE,
    "public_feedback:sent": EVERYONE,  # without a code just sent, back to the form
    "public_feedback:status[valid]": EVERYONE,
    "public_feedback:status[unknown]": NOBODY,
    # Public certificate verification.
    "verify:form": EVERYONE,
    "verify:token[valid]": EVERYONE,
    "verify:token[unknown]": NOBODY,  # "not found", for everyone
    # The QR code's offline check and the public keys it uses (docs/decisions/0103): public, no login.
    "verify:offline": EVERYONE,
    "verify:keys": EVERYONE,
    "verify:keys_json": EVERYONE,
    # The exchange API (exchange/api.py): bearer keys, never a session; whoever signs in gets the same
    # 401 JSON as an anonymous caller. tests/exchange/ pins who gets in (keys, scopes, partners). The
    # schema is public, like the partner guide that documents it.
    "api:openapi-json": EVERYONE,
    "api:api-root": NotProbed("ninja's root of /api/v1/: no operation there, a JSON 404 for everyone"),
    "api:certificate_verify": NotProbed("API key (scope verify:read): tests/exchange/test_verify.py"),
    "api:registrations_changed": NotProbed("API key (scope sync:read): tests/exchange/test_sync.py"),
    "api:assessment_certificates_changed": NotProbed("API key (scope sync:read): tests/exchange/"),
    "api:recognition_submit": NotProbed(
        "API key (scope recognition:write): tests/exchange/test_recognitions.py"
    ),
    "api:recognition_read": NotProbed("API key; another partner's submission is 404: tests/exchange/"),
    # The admin site's own pages.
    "admin:index": ADMIN_USERS,
    "admin:login": EVERYONE,  # staff are sent on to the index; others see the form
    "admin:logout": NotProbed("POST only, and it ends the session"),
    "admin:password_change": ADMIN_USERS,
    "admin:password_change_done": ADMIN_USERS,
    "admin:jsi18n": ADMIN_USERS,
    "admin:view_on_site": NOBODY,  # no model has a public page of its own
    "admin:app_list[accounts]": ASSOC_SU,
    "admin:app_list[audit]": {AUDITOR, SUPERUSER},
    "admin:app_list[people]": ASSOC_SU | {CENTRE},
    "admin:app_list[workdays]": ASSOC_SU,
    "admin:app_list[registry]": ASSOC_SU,
    "admin:app_list[exams]": ASSESSMENT_READERS,
    "admin:app_list[training]": ASSOC_SU,
    "admin:app_list[supervision]": ASSOC_SU,
    "admin:app_list[reports]": ASSOC_SU,
    "admin:app_list[exchange]": ASSOC_SU,
    "admin/(?P<url>.*)$": NOBODY,  # the admin's catch-all: unknown pages
    # Custom admin views.
    "admin:auth_user_password_change[enterprise]": ASSOC_SU,
    "admin:auth_user_password_change[staff]": {SUPERUSER},
    "admin:auth_user_password_change[superuser]": {SUPERUSER},
    "admin:registry_application_transition": ASSOC_SU,
    "admin:exchange_partner_issue_key": ASSOC_SU,  # GET: the form; the key is shown only on its POST
    "admin:registry_application_attach": ASSOC_SU,
    "admin:registry_application_material_download": ASSOC_SU,
    "admin:registry_application_decision_download": ASSOC_SU,
    "admin:workdays_calendaryear_calendar": ASSOC_SU,
    "admin:registry_registrationcertificate_pdf": ASSOC_SU,
    "admin:registry_registrationcertificate_revoke": ASSOC_SU,
    "admin:registry_registrationcertificate_lapse": ASSOC_SU,
    "admin:registry_registrationcertificate_suspend": ASSOC_SU,
    "admin:registry_registrationcertificate_reinstate": ASSOC_SU,
    "admin:exams_assessmentresult_import_template": CENTRE_SU,
    "admin:exams_assessmentresult_import": CENTRE_SU,
    "admin:exams_assessmentresult_process_import": post(CENTRE_SU),
    "admin:exams_assessmentresult_export": ASSESSMENT_READERS,
    "admin:exams_metrologyproject_import": CENTRE_SU,
    "admin:exams_metrologyproject_process_import": post(CENTRE_SU),
    "admin:exams_metrologyproject_export": ASSESSMENT_READERS,
    "admin:audit_auditevent_export": {AUDITOR, SUPERUSER},
    "admin:exams_assessmentresult_correct": CENTRE_SU,
    "admin:people_person_reveal_id": ASSOC_SU,  # people.reveal_personal_data
    "admin:people_employer_rename": ASSOC_SU,  # people.change_employer
    # Searching by a full resident ID number posts it (never in a URL): people/id_search.py.
    "admin:registry_application_search": post(ASSOC_SU),
    "admin:people_person_search": post(ASSOC_SU | {CENTRE}),
    "admin:people_qualificationcertificate_search": post(ASSOC_SU),
    "admin:registry_registrationcertificate_search": post(ASSOC_SU),
    "admin:exams_assessmentresult_search": post(ASSESSMENT_READERS),
    "admin:exams_assessmentcertificate_search": post(ASSESSMENT_READERS),
    "admin:exams_recognisedcertificate_search": post(ASSESSMENT_READERS),
    "admin:exams_verifiercertificate_search": post(ASSESSMENT_READERS),
    # Continuing education (training/admin/): association staff only; the bureau reads aggregates elsewhere.
    "admin:training_activity_attendance_list": ASSOC_SU,
    "admin:training_activity_attendance_import": ASSOC_SU,
    "admin:training_activity_attendance_confirm": ASSOC_SU,  # a GET is sent back to the upload page
    "admin:training_activity_attendance_template": ASSOC_SU,
    "admin:training_participation_correct": ASSOC_SU,
    "admin:training_participation_evidence": ASSOC_SU,
    "admin:training_participation_search": post(ASSOC_SU),
    "admin:training_compliance": ASSOC_SU,
    "admin:training_compliance_export": ASSOC_SU,
    # Supervision (supervision/admin/): the association reads spot checks and carries out measures on
    # certificates (supervision.change_measure); the bureau and inspectors work outside the admin.
    "admin:supervision_check_evidence": ASSOC_SU,
    "admin:supervision_measure_carry_out": ASSOC_SU,  # a GET is the confirmation page
    # Assistance visits and feedback (supervision/admin/): each step a form calling one service.
    "admin:supervision_assistancevisit_plan": ASSOC_SU,
    "admin:supervision_assistancevisit_record": ASSOC_SU,
    "admin:supervision_assistancevisit_decline": ASSOC_SU,
    "admin:supervision_feedback_answer": ASSOC_SU,
    "admin:supervision_feedback_close": post(ASSOC_SU),
    # Operations (ops/): the probes answer by client address, not by role; the test client's address
    # (127.0.0.1) is in the default REGISTRY_HEALTH_ALLOWED_NETWORKS, so everyone gets them here (other
    # addresses get 404: tests/ops/test_probes.py). The scheduled jobs page is the association's.
    "ops:healthz": EVERYONE,
    "ops:readyz": EVERYONE,
    "ops:metrics": EVERYONE,
    "ops:jobs": ASSOC_SU,
}


@dataclass(frozen=True)
class AdminModel:
    """Who may open a model's admin pages. `view`: the list, an object's page (read-only without the
    change right) and its history; `add` and `delete`: those pages. `objects` overrides `view` per kind
    of object where who may open it depends on the object (keys: the variants `world()` provides)."""

    view: Roles
    add: Roles
    delete: Roles
    objects: dict[str, Roles] = field(default_factory=dict)


ADMIN_MODELS: dict[str, AdminModel] = {
    # Association staff manage enterprise accounts only; nobody deletes an account.
    "accounts.user": AdminModel(
        view=ASSOC_SU,
        add=ASSOC_SU,
        delete=NOBODY,
        objects={"enterprise": ASSOC_SU, "staff": {SUPERUSER}, "superuser": {SUPERUSER}},
    ),
    "audit.auditevent": AdminModel(view={AUDITOR, SUPERUSER}, add=NOBODY, delete=NOBODY),
    "registry.application": AdminModel(view=ASSOC_SU, add=ASSOC_SU, delete=NOBODY),  # withdraw instead
    "registry.batch": AdminModel(view=ASSOC_SU, add=ASSOC_SU, delete=ASSOC_SU),
    "workdays.calendarday": AdminModel(view=ASSOC_SU, add=ASSOC_SU, delete=ASSOC_SU),
    "workdays.calendaryear": AdminModel(view=ASSOC_SU, add=ASSOC_SU, delete=NOBODY),
    "workdays.calendarchange": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "people.employer": AdminModel(view=ASSOC_SU | {CENTRE}, add=ASSOC_SU, delete=ASSOC_SU),
    "registry.notificationlog": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "people.person": AdminModel(view=ASSOC_SU | {CENTRE}, add=ASSOC_SU | {CENTRE}, delete=ASSOC_SU),
    "people.qualificationcertificate": AdminModel(view=ASSOC_SU, add=ASSOC_SU, delete=ASSOC_SU),
    "registry.registrationcertificate": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "exams.assessmentsession": AdminModel(view=ASSESSMENT_READERS, add=CENTRE_SU, delete=CENTRE_SU),
    # A recorded result is corrected with a reason, never deleted (exams.services.result_correct).
    "exams.assessmentresult": AdminModel(view=ASSESSMENT_READERS, add=CENTRE_SU, delete=NOBODY),
    "exams.assessmentcertificate": AdminModel(view=ASSESSMENT_READERS, add=NOBODY, delete=CENTRE_SU),
    "exams.recognisedcertificate": AdminModel(view=ASSESSMENT_READERS, add=CENTRE_SU, delete=CENTRE_SU),
    "exams.verifiercertificate": AdminModel(view=ASSESSMENT_READERS, add=CENTRE_SU, delete=CENTRE_SU),
    "exams.metrologycategory": AdminModel(view=ASSESSMENT_READERS, add=CENTRE_SU, delete=CENTRE_SU),
    "exams.metrologyproject": AdminModel(view=ASSESSMENT_READERS, add=CENTRE_SU, delete=CENTRE_SU),
    # Activities are changed, never deleted; entries come from the portal or an import, are decided or
    # corrected, never added or deleted in the admin.
    "training.activity": AdminModel(view=ASSOC_SU, add=ASSOC_SU, delete=NOBODY),
    "training.participation": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    # Spot checks are read-only here: plans, checks and conflicts are written in the supervision pages.
    "supervision.plan": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "supervision.check": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "supervision.measure": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "supervision.inspectorconflict": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    # A visit is declined, feedback closed, never deleted; "add" plans a visit of the association's own
    # initiative; feedback comes only from the portal and the public form.
    "supervision.assistancevisit": AdminModel(view=ASSOC_SU, add=ASSOC_SU, delete=NOBODY),
    "supervision.feedback": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    # The yearly report is written, submitted and answered on its own pages; the admin only shows it.
    "reports.annualreport": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "reports.reportversion": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "reports.reportreminder": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    # The exchange API's back office: partners are deactivated, never deleted; keys are issued from the
    # partner's page (shown once) and revoked, never added or deleted here; the access log is read-only;
    # submissions come only from the API and are accepted or rejected.
    "exchange.partner": AdminModel(view=ASSOC_SU, add=ASSOC_SU, delete=NOBODY),
    "exchange.apikey": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "exchange.accesslog": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
    "exchange.inboundcertificate": AdminModel(view=ASSOC_SU, add=NOBODY, delete=NOBODY),
}

# Autocomplete lookups (admin:autocomplete) by source field: who may see the target model.
AUTOCOMPLETE: dict[str, Roles] = {
    "accounts.user.employer": ASSOC_SU | {CENTRE},
    "registry.application.person": ASSOC_SU | {CENTRE},
    "registry.application.employer": ASSOC_SU | {CENTRE},
    "registry.application.target_certificate": ASSOC_SU,
    "registry.application.batch": ASSOC_SU,
    "registry.batch.employer": ASSOC_SU | {CENTRE},
    "people.qualificationcertificate.person": ASSOC_SU | {CENTRE},
    "exams.assessmentresult.person": ASSOC_SU | {CENTRE},
    "exams.recognisedcertificate.person": ASSOC_SU | {CENTRE},
    "exams.recognisedcertificate.projects": ASSESSMENT_READERS,
    "exams.verifiercertificate.person": ASSOC_SU | {CENTRE},
    "exams.verifiercertificate.projects": ASSESSMENT_READERS,
}

ADMIN_OBJECT_VIEWS = ("change", "history", "delete")
ADMIN_VIEWS = ("changelist", "add", *ADMIN_OBJECT_VIEWS)


# --- the objects the URLs are filled with -----------------------------------------------------------------
@dataclass
class World:
    users: dict[str, User]
    employer_objects: dict[str, dict[str, Any]]  # employer key → {"batch": …, "application": …, …}
    admin_objects: dict[str, dict[str, Any]]  # model label → {variant: object}
    employer_of_role: dict[str, str]


def _employer_objects(employer) -> dict[str, Any]:
    batch = BatchFactory(employer=employer)
    application = ApplicationFactory(employer=employer, batch=batch)
    material = material_attach(
        application=application,
        kind="application_form",
        file=ContentFile(pdf_bytes(), name="form.pdf"),
        by=None,
    )
    certificate = RegistrationCertificateFactory(application__employer=employer)
    decision = DecisionDocument(
        application=application,
        kind="non_acceptance",
        number=f"{application.number}-BSL",
        issued_on=dt.date(2026, 3, 3),
        generated_at=dt.datetime(2026, 3, 3, 2, tzinfo=dt.UTC),
    )
    decision.pdf.save("d.pdf", ContentFile(pdf_bytes()))
    activity, entry = _employer_training(employer, certificate)
    visit = supervision_services.visit_request(
        employer=employer,
        by=UserFactory(role=Role.ENTERPRISE, employer=employer),
        topics=["instruments"],
        note="请指导计量器具管理。",
    )
    return {
        "visit": visit,
        "batch": batch,
        "application": application,
        "material": material,
        "certificate": certificate,
        "decision": decision,
        "activity": activity,
        "entry": entry,
    }


def _employer_training(employer, certificate):
    """An activity the employer's clerk recorded (with its attendance list), and its holder's hours in it,
    awaiting confirmation, with a certificate of attendance."""
    clerk = UserFactory(role=Role.ENTERPRISE, employer=employer)
    activity = training_services.activity_record(
        data=training_services.ActivityData(
            title="企业内部计量培训",
            kind="course",
            organiser=employer.name,
            starts_on=certificate.valid_from,
            ends_on=certificate.valid_from,
            hours=Decimal("8"),
            subject="professional",
            place="本企业会议室",
        ),
        by=clerk,
        employer=employer,
        attendance_list=ContentFile(pdf_bytes(), name="list.pdf"),
    )
    [entry] = training_services.participations_record(
        activity=activity,
        entries=[
            training_services.Entry(certificate.person, Decimal("8"), ContentFile(pdf_bytes(), name="e.pdf"))
        ],
        by=clerk,
        employer=employer,
    )
    return activity, entry


def _supervision_checks(employer, inspector) -> dict[str, dict[str, Any]]:
    """{"own": …, "other": …}: a check of `employer` assigned to `inspector` (and one more), and one
    assigned to two other inspectors; each with a problem found, one evidence file and an open referral."""
    checks = {}
    for variant, first in (("own", inspector), ("other", UserFactory(role=Role.INSPECTOR))):
        check = CheckFactory(employer=employer, inspectors=[first, UserFactory(role=Role.INSPECTOR)])
        findings = {item: {"found": False} for item, _label in checklist_items(check.kind)}
        findings["renting"] = {"found": True, "note": "证书出租"}
        supervision_services.check_record(
            check=check, by=first, findings=findings, checked_on=None, summary=""
        )
        evidence = supervision_services.evidence_add(
            check=check, by=first, file=ContentFile(pdf_bytes(), name="现场.pdf")
        )
        measure = supervision_services.measure_add(
            check=check, by=first, kind="referral", description="移送", referred_to="市场监管局"
        )
        checks[variant] = {"check": check, "evidence": evidence, "measure": measure}
    return checks


def _training_objects(person, staff):
    """An activity the association ran, with its attendance list, and one confirmed entry with evidence."""
    activity = training_services.activity_record(
        data=training_services.ActivityData(
            title="计量法规培训",
            kind="course",
            organiser="省计量协会",
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 5, 2),
            hours=Decimal("16"),
            subject="professional",
            place="哈尔滨",
        ),
        by=staff,
        employer=None,
        attendance_list=ContentFile(pdf_bytes(), name="list.pdf"),
    )
    [entry] = training_services.participations_record(
        activity=activity,
        entries=[training_services.Entry(person, Decimal("16"), ContentFile(pdf_bytes(), name="e.pdf"))],
        by=staff,
        employer=None,
    )
    training_services.participation_confirm(participation=entry, by=staff)
    return activity, entry


@pytest.fixture
def world(db) -> World:
    cache.clear()  # the public verification page's rate limits count per client address
    verified = EmployerFactory(name="甲公司")
    pending = EmployerFactory(name="待核实公司", pending=True)
    other = EmployerFactory(name="乙公司")
    users = {
        ENTERPRISE_A: UserFactory(username="m_clerk", role=Role.ENTERPRISE, employer=verified),
        ENTERPRISE_PENDING: UserFactory(username="m_pending", role=Role.ENTERPRISE, employer=pending),
        ASSOCIATION: UserFactory(username="m_assoc", role=Role.ASSOCIATION),
        CENTRE: UserFactory(username="m_centre", role=Role.TRAINING_CENTRE),
        BUREAU: UserFactory(username="m_bureau", role=Role.BUREAU),
        INSPECTOR: UserFactory(username="m_inspector", role=Role.INSPECTOR),
        AUDITOR: UserFactory(username="m_auditor", role=Role.AUDITOR),
        SUPERUSER: User.objects.create_superuser("m_root", "root@example.com", "Kx9#quiet-Harbin-2026"),
    }
    employer_objects = {
        "verified": _employer_objects(verified),
        "pending": _employer_objects(pending),
        "other": _employer_objects(other),
    }
    mine = employer_objects["verified"]
    submitted = ApplicationFactory(employer=verified, submitted=True)
    project = MetrologyProjectFactory()
    session = AssessmentSessionFactory(projects=[project])
    year, _created = CalendarYear.objects.get_or_create(year=2026)
    day = CalendarDay.objects.order_by("day").first() or CalendarDay.objects.create(
        day="2026-10-01", kind=CalendarDay.Kind.DAY_OFF, note="国庆节"
    )
    change = CalendarChange.objects.create(action=CalendarChange.Action.YEAR_STATUS, detail={"year": 2026})
    training_activity, training_entry = _training_objects(submitted.person, users[ASSOCIATION])
    spot_check = CheckFactory(employer=verified, completed=True)
    FindingFactory(check_row=spot_check, certificate=mine["certificate"])
    evidence = EvidenceFactory(check_row=spot_check)
    revocation = MeasureFactory(check_row=spot_check, revocation=True, certificate=mine["certificate"])
    public_feedback = supervision_services.feedback_submit(
        topic="system", message="希望增加英文界面。", contact="13904512233"
    )
    admin_objects = {
        "accounts.user": {
            "enterprise": users[ENTERPRISE_A],
            "staff": users[CENTRE],
            "superuser": users[SUPERUSER],
        },
        "audit.auditevent": {"": audit_log(action=Action.EXPORTED, actor=users[SUPERUSER])},
        "registry.application": {"": submitted},
        "registry.batch": {"": mine["batch"]},
        "workdays.calendarday": {"": day},
        "workdays.calendaryear": {"": year},
        "workdays.calendarchange": {"": change},
        "people.employer": {"": verified},
        "registry.notificationlog": {
            "": NotificationLog.objects.create(
                channel="email", key="matrix", recipient="a@example.cn", body="x"
            )
        },
        "people.person": {"": submitted.person},
        "people.qualificationcertificate": {"": QualificationCertificateFactory(person=submitted.person)},
        "registry.registrationcertificate": {"": mine["certificate"]},
        "exams.assessmentsession": {"": session},
        "exams.assessmentresult": {"": AssessmentResultFactory(session=session, project=project)},
        "exams.assessmentcertificate": {"": AssessmentCertificateFactory(projects=[project])},
        "exams.recognisedcertificate": {"": RecognisedCertificateFactory(projects=[project])},
        "exams.verifiercertificate": {"": VerifierCertificateFactory(projects=[project])},
        "exams.metrologycategory": {"": MetrologyCategory.objects.order_by("code").first()},
        "exams.metrologyproject": {"": project},
        "training.activity": {"": training_activity},
        "training.participation": {"": training_entry},
        "_checks": _supervision_checks(verified, users[INSPECTOR]),
        "supervision.plan": {"": spot_check.plan},
        "supervision.check": {"": spot_check},
        "supervision.measure": {"": revocation},
        "supervision.inspectorconflict": {"": InspectorConflictFactory(employer=other)},
        "_evidence": {"": evidence},
        "supervision.assistancevisit": {"": mine["visit"]},
        "supervision.feedback": {"": public_feedback},
        **_report_objects(users[ASSOCIATION]),
        # For the custom views: a draft application (materials may be attached) and one of its materials.
        "_draft": {"": mine["application"]},
        "_material": {"": mine["material"]},
        **_supervision_objects(users, other),
        **_exchange_objects(users[ASSOCIATION]),
    }
    return World(
        users=users,
        employer_objects=employer_objects,
        admin_objects=admin_objects,
        employer_of_role={ENTERPRISE_A: "verified", ENTERPRISE_PENDING: "pending"},
    )


def _exchange_objects(staff) -> dict[str, dict[str, Any]]:
    """A partner with a key, one access-log row of that key, one pending submission."""
    key = ApiKeyFactory(created_by=staff)
    log = AccessLog.objects.create(
        at=dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC),
        key=key,
        partner=key.partner,
        method="GET",
        operation="certificate_verify",
        path="/api/v1/certificates/verify",
        status=200,
        records=1,
    )
    return {
        "exchange.partner": {"": key.partner},
        "exchange.apikey": {"": key},
        "exchange.accesslog": {"": log},
        "exchange.inboundcertificate": {"": InboundCertificateFactory(partner=key.partner)},
    }


def _report_objects(staff) -> dict[str, dict[str, Any]]:
    """A year's report with one submitted version (2025 v1, stored as report_submit stores it; its files are
    stand-ins: nothing here renders them), and a reminder sent about it. The admin's rows and the workflow
    pages' `_report_version` are the same version."""
    report = AnnualReport.objects.create(year=2025, work_done="全年工作。")
    version = ReportVersion(
        report=report,
        number=1,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        figures={
            "period": {"start": "2025-01-01", "end": "2025-12-31", "year": 2025, "label": "2025"},
            "sections": [],
        },
        pdf_sha256="0" * 64,
        xlsx_sha256="0" * 64,
        checksum="0" * 64,
        submitted_by=staff,
        submitted_at=dt.datetime(2026, 1, 5, 1, tzinfo=dt.UTC),
    )
    version.pdf.save("report-2025-v1.pdf", ContentFile(pdf_bytes("report")), save=False)
    version.xlsx.save("report-2025-v1.xlsx", ContentFile(b"PK workbook"), save=False)
    version.save()
    reminder = ReportReminder.objects.create(
        year=2025, reminder_date=dt.date(2025, 12, 20), audience=ReportReminder.Audience.ASSOCIATION
    )
    return {
        "reports.annualreport": {"": report},
        "reports.reportversion": {"": version},
        "_report_version": {"": version},
        "reports.reportreminder": {"": reminder},
    }


def _supervision_objects(users, employer) -> dict[str, dict[str, Any]]:
    """A draft plan, a drawn one (its population: the employers above holding certificates), and a
    conflict declared by the inspector and one by another inspector."""
    colleagues = [UserFactory(username=f"m_inspector{n}", role=Role.INSPECTOR) for n in range(2)]
    pool = [users[INSPECTOR], *colleagues]
    fields = {
        "kind": PlanKind.EMPLOYERS,
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "sample_size": 1,
        "inspectors_per_check": 2,
    }
    draft = supervision_services.plan_create(by=users[BUREAU], inspectors=pool, title="草案", **fields)
    drawn = supervision_services.plan_create(by=users[BUREAU], inspectors=pool, title="已抽取", **fields)
    supervision_services.plan_draw(plan=drawn, by=users[BUREAU], seed="0" * 32)
    return {
        "_plan_draft": {"": draft},
        "_plan_drawn": {"": drawn},
        "_conflict": {
            "own": supervision_services.conflict_declare(
                inspector=users[INSPECTOR], employer=employer, note="亲属", by=users[INSPECTOR]
            ),
            "other": supervision_services.conflict_declare(
                inspector=colleagues[0], employer=employer, note="前雇员", by=colleagues[0]
            ),
        },
    }


PORTAL_OBJECT = {  # portal URL name → which of an employer's objects its <pk> names
    "batch_detail": "batch",
    "applicant_add": "batch",
    "sheet_upload": "batch",
    "sheet_confirm": "batch",
    "batch_submit": "batch",
    "application_detail": "application",
    "material_upload": "application",
    "application_resubmit": "application",
    "application_withdraw": "application",
    "material_download": "material",
    "material_replace": "material",
    "holder_detail": "certificate",
    "holder_departure": "certificate",
    "certificate_pdf": "certificate",
    "decision_pdf": "decision",
}
SUPERVISION_PORTAL_OBJECT = {"visit_detail": "visit"}  # supervision_portal URL name → the object of <pk>
TRAINING_OBJECT = {  # continuing-education URL name → which of an employer's objects its <pk> names
    "activity_detail": "activity",
    "participants_add": "activity",
    "sheet_upload": "activity",
    "sheet_confirm": "activity",
    "attendance_list": "activity",
    "entry_change": "entry",
    "entry_withdraw": "entry",
    "evidence": "entry",
}

SUPERVISION_KWARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {  # URL name → its kwargs
    "check_detail": lambda o: {"pk": o["check"].pk},
    "evidence_upload": lambda o: {"pk": o["check"].pk},
    "check_complete": lambda o: {"pk": o["check"].pk},
    "measure_add": lambda o: {"pk": o["check"].pk},
    "evidence_download": lambda o: {"pk": o["check"].pk, "eid": o["evidence"].pk},
    "measure_follow_up": lambda o: {"pk": o["check"].pk, "mid": o["measure"].pk},
}


def parameters(name: str, world: World, role: str) -> dict[str, dict[str, Any]] | None:
    """{variant: URL kwargs} for a URL that takes parameters; None when this function does not know it."""
    objects = world.admin_objects
    if name.startswith("portal:") and name.split(":", 1)[1] in PORTAL_OBJECT:
        kind = PORTAL_OBJECT[name.split(":", 1)[1]]
        own = world.employer_objects[world.employer_of_role.get(role, "verified")]
        return {"own": {"pk": own[kind].pk}, "other": {"pk": world.employer_objects["other"][kind].pk}}
    if name.startswith("supervision:") and name.split(":", 1)[1] in SUPERVISION_KWARGS:
        return {
            variant: SUPERVISION_KWARGS[name.split(":", 1)[1]](objects["_checks"][variant])
            for variant in ("own", "other")
        }
    if name.startswith("training:") and name.split(":", 1)[1] in TRAINING_OBJECT:
        kind = TRAINING_OBJECT[name.split(":", 1)[1]]
        own = world.employer_objects[world.employer_of_role.get(role, "verified")]
        return {"own": {"pk": own[kind].pk}, "other": {"pk": world.employer_objects["other"][kind].pk}}
    if name.startswith("supervision_portal:") and name.split(":", 1)[1] in SUPERVISION_PORTAL_OBJECT:
        kind = SUPERVISION_PORTAL_OBJECT[name.split(":", 1)[1]]
        own = world.employer_objects[world.employer_of_role.get(role, "verified")]
        return {"own": {"pk": own[kind].pk}, "other": {"pk": world.employer_objects["other"][kind].pk}}
    application = objects["registry.application"][""]
    certificate = objects["registry.registrationcertificate"][""]
    draft = objects["_draft"][""]
    known: dict[str, Callable[[], dict[str, dict[str, Any]]]] = {
        "password_reset_confirm": lambda: {"": {"uidb64": "MQ", "token": "made-up-token"}},
        "verify:token": lambda: {
            "valid": {"token": world.employer_objects["verified"]["certificate"].verification_token},
            "unknown": {"token": "0" * 32},
        },
        "admin:auth_user_password_change": lambda: {
            variant: {"id": user.pk} for variant, user in objects["accounts.user"].items()
        },
        "admin:view_on_site": lambda: {
            "": {
                "content_type_id": ContentType.objects.get_for_model(application).pk,
                "object_id": application.pk,
            }
        },
        "admin:app_list": lambda: {label: {"app_label": label} for label in _admin_app_labels()},
        "admin:registry_application_transition": lambda: {
            "": {"object_id": application.pk, "name": "accept"}
        },
        "admin:registry_application_attach": lambda: {"": {"object_id": draft.pk}},
        "admin:registry_application_material_download": lambda: {
            "": {"object_id": draft.pk, "material_id": objects["_material"][""].pk}
        },
        "admin:registry_application_decision_download": lambda: {
            "": {
                "object_id": world.employer_objects["verified"]["decision"].application_id,
                "document_id": world.employer_objects["verified"]["decision"].pk,
            }
        },
        "admin:workdays_calendaryear_calendar": lambda: {"": {"year": 2026}},
        "api:recognition_read": lambda: {
            "": {"recognition_id": objects["exchange.inboundcertificate"][""].pk}
        },
        "admin:exchange_partner_issue_key": lambda: {"": {"partner_id": objects["exchange.partner"][""].pk}},
        "admin:people_employer_rename": lambda: {"": {"object_id": objects["people.employer"][""].pk}},
        "admin:registry_registrationcertificate_pdf": lambda: {"": {"object_id": certificate.pk}},
        "admin:registry_registrationcertificate_revoke": lambda: {"": {"object_id": certificate.pk}},
        "admin:registry_registrationcertificate_suspend": lambda: {"": {"object_id": certificate.pk}},
        "admin:registry_registrationcertificate_reinstate": lambda: {"": {"object_id": certificate.pk}},
        "admin:registry_registrationcertificate_lapse": lambda: {"": {"object_id": certificate.pk}},
        "admin:exams_assessmentresult_correct": lambda: {
            "": {"object_id": objects["exams.assessmentresult"][""].pk}
        },
        "admin:people_person_reveal_id": lambda: {"": {"object_id": objects["people.person"][""].pk}},
        "admin:training_activity_attendance_list": lambda: {
            "": {"object_id": objects["training.activity"][""].pk}
        },
        "admin:training_activity_attendance_import": lambda: {
            "": {"object_id": objects["training.activity"][""].pk}
        },
        "admin:training_activity_attendance_confirm": lambda: {
            "": {"object_id": objects["training.activity"][""].pk}
        },
        "admin:training_participation_correct": lambda: {
            "": {"object_id": objects["training.participation"][""].pk}
        },
        "admin:training_participation_evidence": lambda: {
            "": {"object_id": objects["training.participation"][""].pk}
        },
        "admin:supervision_check_evidence": lambda: {
            "": {"object_id": objects["supervision.check"][""].pk, "evidence_id": objects["_evidence"][""].pk}
        },
        "admin:supervision_measure_carry_out": lambda: {
            "": {"object_id": objects["supervision.measure"][""].pk}
        },
        "two_factor:reset": lambda: {"": {"user_id": world.users[ENTERPRISE_A].pk}},
        **{
            f"supervision:{name}": lambda: {"": {"pk": objects["_plan_draft"][""].pk}}
            for name in ("plan_detail", "plan_edit", "plan_draw", "plan_complete")
        },
        "supervision:public_detail": lambda: {
            "drawn": {"pk": objects["_plan_drawn"][""].pk},
            "draft": {"pk": objects["_plan_draft"][""].pk},
        },
        "supervision:conflict_withdraw": lambda: {
            "own": {"pk": objects["_conflict"]["own"].pk},
            "other": {"pk": objects["_conflict"]["other"].pk},
        },
        "public_feedback:status": lambda: {
            "valid": {"code": objects["supervision.feedback"][""].tracking_code},
            "unknown": {"code": "A" * 16},
        },
        "admin:supervision_assistancevisit_plan": lambda: {
            "": {"object_id": objects["supervision.assistancevisit"][""].pk}
        },
        "admin:supervision_assistancevisit_record": lambda: {
            "": {"object_id": objects["supervision.assistancevisit"][""].pk}
        },
        "admin:supervision_assistancevisit_decline": lambda: {
            "": {"object_id": objects["supervision.assistancevisit"][""].pk}
        },
        "admin:supervision_feedback_answer": lambda: {
            "": {"object_id": objects["supervision.feedback"][""].pk}
        },
        **{
            f"annual_reports:{name}": lambda: {"": {"year": 2025}}
            for name in ("draft", "draft_pdf", "draft_xlsx", "edit", "submit")
        },
        **{
            f"annual_reports:{name}": lambda: {"": {"year": 2025, "number": 1}}
            for name in ("version", "version_pdf", "version_xlsx", "return", "acknowledge")
        },
        "admin:supervision_feedback_close": lambda: {
            "": {"object_id": objects["supervision.feedback"][""].pk}
        },
    }
    return known[name]() if name in known else None


# --- walking the resolver ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Endpoint:
    route: str
    name: str | None  # "namespace:name"
    pattern: URLPattern

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def takes_parameters(self) -> bool:
        return bool(self.pattern.pattern.regex.groupindex) or bool(
            getattr(self.pattern.pattern, "converters", {})
        )


def endpoints() -> list[Endpoint]:
    found: list[Endpoint] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            else:
                name = None
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append(Endpoint(route=prefix + str(entry.pattern), name=name, pattern=entry))

    walk(get_resolver().url_patterns, "", None)
    return found


def _admin_app_labels() -> list[str]:
    return sorted({model._meta.app_label for model in admin.site._registry})


def _admin_models() -> dict[str, type]:
    return {model._meta.label_lower: model for model in admin.site._registry}


def _admin_model_view(endpoint: Endpoint) -> tuple[str, str] | None:
    """(model label, view) for a standard ModelAdmin URL, or None."""
    for label, model in _admin_models().items():
        opts = model._meta
        if endpoint.name is None:
            if endpoint.route == f"admin/{opts.app_label}/{opts.model_name}/<path:object_id>/":
                return label, "object_redirect"
            continue
        for view in ADMIN_VIEWS:
            if endpoint.name == f"admin:{opts.app_label}_{opts.model_name}_{view}":
                return label, view
    return None


@dataclass(frozen=True)
class Probe:
    key: str  # what the table calls it
    url: str
    allowed: Roles
    method: str = "get"
    object_page: bool = False  # an admin object's page: Django's "no such object" redirect means refused


def _expected_for_admin_model(label: str, view: str, variant: str) -> Roles:
    rule = ADMIN_MODELS[label]
    if view == "object_redirect":
        return ADMIN_USERS  # it only redirects to the change page, which is checked itself
    if view == "add":
        return rule.add
    if view == "delete":
        return rule.delete
    return rule.objects.get(variant, rule.view) if view in ("change", "history") else rule.view


def _rule_roles(rule: Rule) -> tuple[Roles, str]:
    if isinstance(rule, Post):
        return rule.allowed, "post"
    return frozenset(rule), "get"  # type: ignore[arg-type]


def classify(world: World, role: str) -> tuple[list[Probe], list[str]]:
    """Every probe for `role`, and the URLs the table does not classify."""
    probes: list[Probe] = []
    unclassified: list[str] = []
    for endpoint in endpoints():
        admin_view = _admin_model_view(endpoint)
        if admin_view is not None:
            label, view = admin_view
            if label not in ADMIN_MODELS or label not in world.admin_objects:
                unclassified.append(f"{endpoint.key} (model {label}: add it to ADMIN_MODELS and world())")
                continue
            if view in ("changelist", "add"):
                url = reverse(endpoint.name)
                probes.append(Probe(endpoint.key, url, _expected_for_admin_model(label, view, "")))
                continue
            for variant, obj in world.admin_objects[label].items():
                url = f"/admin/{label.replace('.', '/')}/{obj.pk}/"
                if view != "object_redirect":
                    url = reverse(endpoint.name, args=[obj.pk])
                key = f"{endpoint.key}[{variant}]" if variant else endpoint.key
                allowed = _expected_for_admin_model(label, view, variant)
                probes.append(Probe(key, url, allowed, object_page=view in ADMIN_OBJECT_VIEWS))
            continue
        if endpoint.name == "admin:autocomplete":
            for source, allowed in AUTOCOMPLETE.items():
                app_label, model_name, field_name = source.split(".")
                query = urlencode(
                    {"app_label": app_label, "model_name": model_name, "field_name": field_name}
                )
                probes.append(
                    Probe(f"admin:autocomplete[{source}]", f"{reverse(endpoint.name)}?{query}", allowed)
                )
            continue
        if endpoint.key == "admin/(?P<url>.*)$":
            probes.append(Probe(endpoint.key, "/admin/no-such-page/", frozenset(PAGES[endpoint.key])))
            continue
        variants = parameters(endpoint.key, world, role) if endpoint.takes_parameters else {"": {}}
        if variants is None:
            unclassified.append(f"{endpoint.key} (takes parameters: say in parameters() what fills them)")
            continue
        for variant, kwargs in variants.items():
            key = f"{endpoint.key}[{variant}]" if variant else endpoint.key
            rule = PAGES.get(key)
            if rule is None:
                unclassified.append(f"{key} (add it to PAGES)")
                continue
            if isinstance(rule, NotProbed):
                continue
            allowed, method = _rule_roles(rule)
            probes.append(Probe(key, reverse(endpoint.name, kwargs=kwargs or None), allowed, method))
    return probes, unclassified


# --- asking ------------------------------------------------------------------------------------------------
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


def outcome(response, probe: Probe) -> str:
    status = response.status_code
    if status in (403, 404):
        return "refused"
    if status in (301, 302, 303, 307, 308):
        target = urlparse(response["Location"]).path
        if target in LOGIN_PAGES:
            return "refused"
        if probe.object_page and target == reverse("admin:index"):
            return "refused"  # the admin's "no such object" (out of this user's reach)
        return "allowed"
    if 200 <= status < 300:
        return "allowed"
    return f"status {status}"


def ask(client: Client, probe: Probe):
    """One request whose writes, if any, are rolled back; the session cookie survives it."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = getattr(client, probe.method)(probe.url)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    if response.streaming:  # a file: read it, so that the test client closes it the way a server would
        b"".join(response.streaming_content)
    return response


def mismatches(world: World, role: str) -> list[str]:
    client = Client(raise_request_exception=False)
    if role != ANON:
        client.force_login(world.users[role])
    probes, _unclassified = classify(world, role)
    found = []
    for probe in probes:
        response = ask(client, probe)
        got = outcome(response, probe)
        expected = "allowed" if role in probe.allowed else "refused"
        if got != expected:
            where = response.get("Location", "")
            error = f" {response.exc_info[1]!r}" if getattr(response, "exc_info", None) else ""
            found.append(
                f"{probe.key} {probe.method.upper()} {probe.url}: expected {expected}, got {got} "
                f"({response.status_code}{' → ' + where if where else ''}){error}"
            )
    return found


def test_the_outcome_classes():
    page = Probe("x", "/x/", NOBODY)
    admin_object = Probe("x", "/x/", NOBODY, object_page=True)
    assert outcome(HttpResponse(), page) == "allowed"
    assert outcome(HttpResponseRedirect("/portal/"), page) == "allowed"
    assert outcome(HttpResponseRedirect("/admin/"), page) == "allowed"
    assert outcome(HttpResponseRedirect("/admin/"), admin_object) == "refused"
    assert outcome(HttpResponseRedirect("/accounts/login/?next=/portal/"), page) == "refused"
    assert outcome(HttpResponseRedirect("/admin/login/?next=/admin/"), page) == "refused"
    assert outcome(HttpResponse(status=403), page) == "refused"
    assert outcome(HttpResponse(status=404), page) == "refused"
    for status in (400, 405, 429, 500):
        assert outcome(HttpResponse(status=status), page) == f"status {status}"


def test_every_url_is_classified(world):
    unclassified = {entry for role in ROLES for entry in classify(world, role)[1]}
    assert not unclassified, "Classify these URLs (see this file's docstring):\n" + "\n".join(
        sorted(unclassified)
    )


def test_the_table_names_no_url_that_does_not_exist(world):
    keys = {probe.key for role in ROLES for probe in classify(world, role)[0]}
    stale = {key for key, rule in PAGES.items() if not isinstance(rule, NotProbed)} - keys
    stale |= set(ADMIN_MODELS) - set(_admin_models())
    stale |= {f"admin:autocomplete[{source}]" for source in AUTOCOMPLETE} - keys
    assert not stale, "The table names URLs that no longer exist:\n" + "\n".join(sorted(stale))


def test_every_autocomplete_field_is_classified():
    fields = {
        f"{model._meta.label_lower}.{name}"
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.autocomplete_fields
    }
    assert fields == set(AUTOCOMPLETE)


@pytest.mark.parametrize("role", ROLES)
def test_who_gets_what(world, role):
    found = mismatches(world, role)
    assert not found, f"{role}: {len(found)} URL(s) answer otherwise than the table says:\n" + "\n".join(
        found
    )
