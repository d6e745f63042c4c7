"""A spot-check plan (抽查计划) and its draw, and inspectors' declared conflicts of interest."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import text
from people.models import Prefecture

from .fields import acted_by


class PlanKind(models.TextChoices):
    """What a plan checks (pilot plan, 监督管理)."""

    EMPLOYERS = "employers", _("Employers holding registrations: use of the certificates")
    ASSESSMENTS = "assessments", _("The training centre's assessments")
    APPLICATIONS = "applications", _("The association's registration work")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DRAWN = "drawn", _("Drawn, checks under way")
    COMPLETED = "completed", _("Completed, results published")


class Plan(models.Model):
    """A plan of random spot checks (双随机、一公开): who is checked and by whom are both drawn at random.

    Until drawn it is a draft the bureau may change. The draw stores its inputs — the seed, the population
    (ids, sorted), the inspectors' pool and the conflicts declared at that moment — so that
    `manage.py supervision_draw_again` repeats it exactly (docs/decisions/0097-random-draws.md). From the
    draw on the plan is public (/supervision/public/); after completion its results are too.
    """

    title = models.CharField(_("title"), max_length=200, validators=[text.single_line])
    kind = models.CharField(_("kind of check"), max_length=20, choices=PlanKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    prefecture = models.CharField(
        _("prefecture"),
        max_length=20,
        choices=Prefecture.choices,
        blank=True,
        help_text=_("Only employers in this prefecture; leave empty for the whole province."),
    )
    sample_size = models.PositiveIntegerField(
        _("number to check"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Either a number or a percentage of the population."),
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("percentage to check"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    inspectors_per_check = models.PositiveSmallIntegerField(
        _("inspectors per check"), default=2, validators=[MinValueValidator(2), MaxValueValidator(5)]
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspectors' pool"),
        related_name="supervision_plans",
        blank=True,
    )
    description = models.TextField(
        _("public description"),
        blank=True,
        validators=[text.multi_line],
        help_text=_("Published with the plan: its basis and what is checked. No personal data."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The draw's inputs, stored so it can be repeated (see the class docstring).
    seed = models.CharField(_("draw seed"), max_length=64, blank=True, editable=False)
    population = models.JSONField(_("population drawn from"), default=list, blank=True, editable=False)
    pool = models.JSONField(_("inspectors drawn from"), default=list, blank=True, editable=False)
    conflicts = models.JSONField(_("conflicts honoured"), default=list, blank=True, editable=False)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True, editable=False)
    drawn_by = acted_by(_("drawn by"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    results_summary = models.TextField(
        _("published summary of results"), blank=True, validators=[text.multi_line]
    )

    class Meta:
        verbose_name = _("spot-check plan")
        verbose_name_plural = _("spot-check plans")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="supervision_plan_period"
            ),
            models.CheckConstraint(
                condition=Q(sample_size__isnull=True) | Q(sample_percent__isnull=True),
                name="supervision_plan_size_or_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Drawn or completed: on the public page (一公开)."""
        return self.state != PlanState.DRAFT


class InspectorConflict(models.Model):
    """An inspector's declared link with an employer (利害关系): never drawn to check it."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="supervision_conflicts",
    )
    employer = models.ForeignKey(
        "people.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="inspector_conflicts",
    )
    note = models.CharField(
        _("nature of the link"),
        max_length=200,
        validators=[text.single_line],
        help_text=_("For example: former employee, relative of its manager, consultant."),
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        ordering = ["inspector", "employer__name"]
        constraints = [
            models.UniqueConstraint(fields=["inspector", "employer"], name="supervision_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspector} – {self.employer}"
