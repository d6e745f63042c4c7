"""The roles of DESIGN.md §1 as Django groups, and the permissions each one holds.

This file is the one place that says who may do what in the admin. A role's permissions are patterns
`app_label.codename` (shell-style wildcards allowed); `sync_roles()` makes the groups match them exactly.
Object-level scoping (an enterprise user reaches only its employer's rows) is done in selectors and
views, not here.
"""

from fnmatch import fnmatchcase
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    ASSOCIATION = "association", _("Metrology association")
    TRAINING_CENTRE = "training_centre", _("Talent training centre")
    BUREAU = "bureau", _("Market supervision bureau")
    INSPECTOR = "inspector", _("Inspector")
    # MLPS level 3 separates the audit administrator (审计管理员) from those who run the system: this role
    # reads the audit trail and nothing else.
    AUDITOR = "auditor", _("Security auditor")


# Roles that work in the Django admin (their users get is_staff).
STAFF_ROLES = frozenset({Role.ASSOCIATION, Role.TRAINING_CENTRE, Role.AUDITOR})

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Enterprise users work only through the portal, whose views scope every row to their employer.
    Role.ENTERPRISE: [],
    # The association runs the registry: every registry model, the employers and people it registers, the
    # working-day calendar its deadlines count on, and reads the assessment records.
    Role.ASSOCIATION: [
        "people.*",
        "workdays.*",
        "registry.*",
        "exams.view_*",
        "training.*",
        "supervision.view_*",
        # It carries out the suspensions and revocations ordered on spot checks (through the registry's
        # workflow), and runs assistance visits and the feedback desk.
        "supervision.change_measure",
        "supervision.*_assistancevisit",
        "supervision.*_feedback",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        # The yearly report is written and submitted on its own pages (reports.services); the admin only
        # shows the years, versions and reminders.
        "reports.view_*",
        # It runs the exchange API: partners, their keys, the access log, the review of submissions.
        "exchange.*",
    ],
    # The training centre runs assessments and issues assessment certificates.
    Role.TRAINING_CENTRE: [
        "exams.*",
        "people.view_person",
        "people.add_person",
        "people.view_employer",
    ],
    # The bureau reads reports and plans spot checks.
    Role.BUREAU: [
        "people.view_*",
        "workdays.view_*",
        "registry.view_*",
        "exams.view_*",
        "training.view_*",
        "supervision.*",
    ],
    # Inspectors record what they find on spot checks and assistance visits.
    Role.INSPECTOR: ["supervision.view_*", "supervision.add_*", "supervision.change_*"],
    # The security auditor reads both audit tables.
    Role.AUDITOR: ["audit.view_auditevent", "registry.view_auditentry"],
}

# Never granted through a role, whatever the patterns say: audit rows are append-only, and only the
# services write them (a permission to add one by hand would be a permission to forge history); assessment
# results are corrected, never deleted.
NEVER_GRANTED = (
    "audit.add_auditevent",
    "audit.change_auditevent",
    "audit.delete_auditevent",
    "registry.add_auditentry",
    "registry.change_auditentry",
    "registry.delete_auditentry",
    "workdays.add_calendarchange",
    "workdays.change_calendarchange",
    "workdays.delete_calendarchange",
    # A recorded score is corrected with a reason (exams.services.result_correct), never deleted.
    "exams.delete_assessmentresult",
    # The API's access log is written by the API only (exchange.middleware) and never altered; keys are
    # issued and revoked through their services (audited), never edited or deleted; submissions are
    # partners' data, decided (accepted or rejected), not edited or deleted.
    "exchange.add_accesslog",
    "exchange.change_accesslog",
    "exchange.delete_accesslog",
    "exchange.delete_apikey",
    "exchange.add_inboundcertificate",
    "exchange.delete_inboundcertificate",
    "exchange.delete_partner",
)


def permission_patterns_match(patterns: list[str], app_label: str, codename: str) -> bool:
    full = f"{app_label}.{codename}"
    if full in NEVER_GRANTED:
        return False
    return any(fnmatchcase(full, pattern) for pattern in patterns)


def sync_roles(*, apps: Any = None) -> None:
    """Create the role groups and set each one's permissions to exactly what ROLE_PERMISSIONS says."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.select_related("content_type"))
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        wanted = [
            p
            for p in permissions
            if permission_patterns_match(patterns, p.content_type.app_label, p.codename)
        ]
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate handler: once per migrate, after the last app's permissions exist."""
    from django.apps import apps as global_apps

    if sender is not list(global_apps.get_app_configs())[-1]:
        return
    apps = kwargs.get("apps")
    try:
        if apps is not None:
            apps.get_model("auth", "Group")
    except LookupError:
        # `migrate <app> <target>` renders only the state that plan touched; groups and permissions are
        # stable tables, so the installed models serve.
        apps = None
    sync_roles(apps=apps)
