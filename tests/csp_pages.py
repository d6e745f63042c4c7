"""The pages each role works on, over the demo data (registry/demo.py), for the Content-Security-Policy
tests: tests/test_inline_code.py renders them all through Django, tests/e2e/test_content_security_policy.py
opens them in Chromium. A page added to a role's daily work belongs in this list."""

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from people.models import Employer
from registry.demo import demo_seed
from registry.models import Application, Batch, RegistrationCertificate
from registry.workflow import ApplicationState
from tests.factories import UserFactory


@dataclass
class Visitor:
    label: str
    user: User | None
    paths: list[str] = field(default_factory=list)


def demo_visitors() -> list[Visitor]:
    """Seed the demo, then every role's main pages, anonymous first and the superuser last."""
    _catalogue_seed()
    demo_seed()
    employer = (
        Employer.objects.filter(status=Employer.Status.ACTIVE, applications__state=ApplicationState.ISSUED)
        .distinct()
        .first()
    )
    assert employer is not None, "the demo has an active employer with an issued certificate"
    certificate = RegistrationCertificate.objects.filter(employer=employer).first()
    batch = Batch.objects.filter(employer=employer).first()
    own = Application.objects.filter(employer=employer).order_by("pk").first()
    submitted = Application.objects.filter(state=ApplicationState.SUBMITTED).first()
    year = timezone.localdate().year

    clerk = UserFactory(username="csp-clerk", role=Role.ENTERPRISE, employer=employer)
    return [
        Visitor(
            "anonymous",
            None,
            [
                reverse("login"),
                reverse("password_reset"),
                reverse("portal:sign_up"),
                reverse("verify:form"),
                reverse("public_feedback:form"),
                reverse("verify:token", args=[certificate.verification_token]),
            ],
        ),
        Visitor(
            "enterprise",
            clerk,
            [
                reverse("portal:home"),
                reverse("portal:batches"),
                reverse("portal:batch_detail", args=[batch.pk]),
                reverse("portal:applicant_add", args=[batch.pk]),
                reverse("portal:application_detail", args=[own.pk]),
                reverse("portal:holders"),
                reverse("portal:holder_detail", args=[certificate.pk]),
                reverse("portal:colleagues"),
                reverse("portal:colleague_add"),
                reverse("portal:sheet_check"),
                reverse("training:ledger"),
                reverse("training:compliance"),
                reverse("training:activity_add"),
                reverse("supervision_portal:visits"),
                reverse("supervision_portal:visit_request"),
                reverse("supervision_portal:feedback"),
                reverse("supervision_portal:feedback_submit"),
                reverse("password_change"),
            ],
        ),
        Visitor(
            "association",
            UserFactory(username="csp-association", role=Role.ASSOCIATION),
            [
                reverse("admin:index"),
                reverse("admin:registry_application_changelist"),
                reverse("admin:registry_application_change", args=[submitted.pk]),  # the review page
                reverse("admin:registry_application_transition", args=[submitted.pk, "request_corrections"]),
                reverse("admin:registry_application_attach", args=[submitted.pk]),
                reverse("admin:registry_application_add"),
                reverse("admin:workdays_calendaryear_calendar", args=[year]),
                reverse("admin:workdays_calendaryear_changelist"),
                reverse("admin:workdays_calendarday_add"),
                reverse("admin:people_employer_changelist"),
                reverse("admin:people_employer_change", args=[employer.pk]),
                reverse("admin:registry_registrationcertificate_change", args=[certificate.pk]),
            ],
        ),
        Visitor(
            "training centre",
            UserFactory(username="csp-centre", role=Role.TRAINING_CENTRE),
            [
                reverse("admin:index"),
                reverse("admin:exams_assessmentresult_changelist"),
                reverse("admin:exams_assessmentresult_import"),
                reverse("admin:exams_assessmentresult_export"),
                reverse("admin:exams_assessmentresult_add"),
                reverse("admin:exams_assessmentsession_add"),
            ],
        ),
        Visitor(
            "bureau",
            UserFactory(username="csp-bureau", role=Role.BUREAU),
            [reverse("reports:home"), reverse("supervision:visits"), reverse("supervision:feedback")],
        ),
        Visitor(
            "inspector",
            UserFactory(username="csp-inspector", role=Role.INSPECTOR),
            [reverse("supervision:home"), reverse("supervision:check_list")],
        ),
        Visitor(
            "auditor",
            UserFactory(username="csp-auditor", role=Role.AUDITOR),
            [reverse("admin:index"), reverse("admin:audit_auditevent_changelist")],
        ),
        Visitor(
            "superuser",
            UserFactory(username="csp-root", is_superuser=True, is_staff=True),
            every_admin_page(),
        ),
    ]


def _catalogue_seed() -> None:
    """Put back the metrology catalogue the migrations seed: transactional tests (the browser's) flush it.
    Both seeds are get-or-create, so this changes nothing where the catalogue is still there."""
    for migration in ("exams.migrations.0002_seed_categories", "exams.migrations.0004_seed_starter_projects"):
        importlib.import_module(migration).seed(apps, None)


def every_admin_page(views: tuple[str, ...] = ("change", "history", "delete")) -> list[str]:
    """Each registered model's list and add form, and the `views` pages of one of its rows."""
    paths = [reverse("admin:index")]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{info}_changelist"))
        paths.append(reverse(f"{info}_add"))
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue
        for view in views:
            try:
                paths.append(reverse(f"{info}_{view}", args=[row.pk]))
            except NoReverseMatch:
                continue
    return paths
