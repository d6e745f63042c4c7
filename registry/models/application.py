from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common import text
from people.models import Level
from registry.workflow import ApplicationKind, ApplicationState, ApplicationWorkflow


class Application(ApplicationWorkflow):
    """An application for registration (注册申请), one person, one kind, with its own state and clock.

    The state, dates and deadlines change only through the transitions in registry/workflow.py, called
    by the services in registry/services/applications.py.
    """

    Kind = ApplicationKind
    State = ApplicationState

    kind = models.CharField(
        pgettext_lazy("application", "kind"), max_length=30, choices=ApplicationKind.choices
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="applications"
    )
    employer = models.ForeignKey(
        "people.Employer", verbose_name=_("employer"), on_delete=models.PROTECT, related_name="applications"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    projects = models.ManyToManyField(
        "exams.MetrologyProject",
        verbose_name=_("metrology projects"),
        blank=True,
        related_name="applications",
        help_text=_("For a change of specialty: the projects to add."),
    )
    target_certificate = models.ForeignKey(
        "registry.RegistrationCertificate",
        verbose_name=_("registration certificate concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("For a change, renewal or cancellation: the certificate it acts on."),
    )
    batch = models.ForeignKey(
        "registry.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    # Approval of a renewal despite continuing-education years short of the requirement (the plan says
    # "generally"): the years and the reason staff wrote (registry/advisories.py, docs/decisions/0095).
    training_override_years = models.JSONField(
        _("continuing-education years short, approved anyway"), default=list, blank=True, editable=False
    )
    training_override_reason = models.TextField(
        _("reason for approving despite the shortfall"),
        blank=True,
        editable=False,
        validators=[text.multi_line],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = [models.F("current_due_on").asc(nulls_last=True), "-id"]
        indexes = [
            # The review queue: filter by state, sort by urgency; the sweeps filter state + date.
            models.Index(fields=["state", "current_due_on"], name="app_state_due_idx"),
            models.Index(fields=["current_due_on", "id"], name="app_due_idx"),
            # The queue's default order exactly (due date ascending, then newest first), so a page of the
            # unfiltered queue is read off the index instead of sorting a million rows. An ascending
            # PostgreSQL index already keeps NULLs last, as the ordering asks.
            models.Index(fields=["current_due_on", "-id"], name="app_urgency_idx"),
            models.Index(fields=["kind", "state"], name="app_kind_state_idx"),
            models.Index(fields=["level", "state"], name="app_level_state_idx"),
            # Deadline recomputation filters open rows by their counting windows.
            models.Index(fields=["state", "received_on"], name="app_state_received_idx"),
            models.Index(fields=["state", "approved_on"], name="app_state_approved_idx"),
        ]

    def __str__(self) -> str:
        return _("Application %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"SQ{self.pk or 0:08d}"
