from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import text
from exams.rules import validate_score

from .catalogue import MetrologyProject


class ScoreField(models.DecimalField):
    """0–100 with one decimal place. Validated by exams.rules only, so a bad score gets one clear message
    (DecimalField's own digit validator would add a second, differently worded one)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 4)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("validators", [validate_score])
        super().__init__(*args, **kwargs)

    @cached_property
    def validators(self):
        return [*self.default_validators, *self._validators]


class AssessmentSession(models.Model):
    """One sitting of the assessment (考核场次): a date, a place and the projects assessed there."""

    name = models.CharField(_("name"), max_length=100, validators=[text.single_line])
    held_on = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=200, validators=[text.single_line])
    projects = models.ManyToManyField(
        MetrologyProject, verbose_name=_("metrology projects"), related_name="sessions"
    )
    note = models.TextField(_("note"), blank=True, validators=[text.multi_line])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment session")
        verbose_name_plural = _("assessment sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.name}"


class AssessmentResult(models.Model):
    """A person's two scores for one project in one session.

    `passed` is stored for filtering only; it is always the value of exams.rules.passed() for the two
    scores, set by the services and the import, which are the only write paths (`editable=False`).
    """

    session = models.ForeignKey(
        AssessmentSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="results"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="assessment_results",
    )
    project = models.ForeignKey(
        MetrologyProject, verbose_name=_("metrology project"), on_delete=models.PROTECT, related_name="+"
    )
    skill_score = ScoreField(_("operational skill score"))
    knowledge_score = ScoreField(_("knowledge score"))
    passed = models.BooleanField(_("passed"), default=False, editable=False, db_index=True)
    certificate = models.ForeignKey(
        "exams.AssessmentCertificate",
        verbose_name=_("assessment certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="results",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["-session__held_on", "person__name", "project__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person", "project"], name="exams_result_once_per_session"
            ),
        ]
        indexes = [models.Index(fields=["person", "project"])]

    def __str__(self) -> str:
        return f"{self.person} {self.project}"

    def clean(self) -> None:
        if (
            self.session_id
            and self.project_id
            and not self.session.projects.filter(pk=self.project_id).exists()
        ):
            raise ValidationError(
                {"project": _("This project is not assessed in the chosen session.")}, code="project"
            )
