"""A drawn check (检查), its checklist findings with evidence, and the measures taken."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import text
from common.uploads import validate_new_material_file

from .fields import acted_by
from .plans import Plan, PlanKind


class EmployerItem(models.TextChoices):
    """Misuse of the certificate looked for at an employer (pilot plan, 监督管理 (三))."""

    TRADING = "trading", _("Buying or selling the registration certificate")
    RENTING = "renting", _("Renting or lending the registration certificate")
    AFFILIATION = "affiliation", _("Nominal affiliation (挂靠)")
    ALTERING = "altering", _("Altering the registration certificate")
    BEYOND_SCOPE = "beyond_scope", _("Verification or calibration beyond the enterprise's own scope")


class AssessmentItem(models.TextChoices):
    """What a check of the training centre's assessments looks at (pilot plan, 专业项目考核)."""

    EQUIPMENT = "equipment", _("Equipment complete and traceably calibrated")
    CONDITIONS = "conditions", _("Environmental conditions as the technical specification requires")
    RECORDS = "records", _("Records support the scores given")


class ApplicationItem(models.TextChoices):
    """What a check of the association's registration work looks at."""

    DEADLINES = "deadlines", _("Working-day deadlines kept")
    MATERIALS = "materials", _("Materials complete")
    JUSTIFIED = "justified", _("Decision justified")


_CHECKLISTS: dict[str, type[models.TextChoices]] = {
    PlanKind.EMPLOYERS: EmployerItem,
    PlanKind.ASSESSMENTS: AssessmentItem,
    PlanKind.APPLICATIONS: ApplicationItem,
}


def checklist_items(kind: str) -> list[tuple[str, str]]:
    """The checklist of a plan kind: (item slug, label), in the order the check form asks them."""
    return list(_CHECKLISTS[kind].choices)


def checklist_label(kind: str, item: str) -> str:
    return dict(checklist_items(kind)).get(item, item)


class CheckState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    COMPLETED = "completed", _("Completed")


class CheckResult(models.TextChoices):
    NO_PROBLEM = "no_problem", _("No problem found")
    PROBLEMS = "problems", _("Problems found")


class Check(models.Model):
    """One entity the draw picked — an employer, an assessment result or an application — and the
    inspectors drawn to check it. Exactly one of the three targets is set, the one of its plan's kind."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="checks")
    position = models.PositiveIntegerField(_("position in the draw"))
    employer = models.ForeignKey(
        "people.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_checks",
    )
    assessment_result = models.ForeignKey(
        "exams.AssessmentResult",
        verbose_name=_("assessment result"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_checks",
    )
    application = models.ForeignKey(
        "registry.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_checks",
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="supervision_checks"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CheckState.choices, default=CheckState.ASSIGNED, db_index=True
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=CheckResult.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True, validators=[text.multi_line])
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    completed_by = acted_by(_("completed by"))

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="supervision_check_position"),
            models.CheckConstraint(
                condition=(
                    Q(employer__isnull=False, assessment_result__isnull=True, application__isnull=True)
                    | Q(employer__isnull=True, assessment_result__isnull=False, application__isnull=True)
                    | Q(employer__isnull=True, assessment_result__isnull=True, application__isnull=False)
                ),
                name="supervision_check_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} #{self.position}"

    @property
    def target(self) -> models.Model:
        return self.employer or self.assessment_result or self.application  # type: ignore[return-value]

    @property
    def target_id(self) -> int:
        """The id of the target, without loading it."""
        pk = self.employer_id or self.assessment_result_id or self.application_id
        if pk is None:  # the check constraint forbids it
            raise ValueError("a check has a target")
        return pk

    @property
    def kind(self) -> str:
        if self.employer_id:
            return PlanKind.EMPLOYERS
        if self.assessment_result_id:
            return PlanKind.ASSESSMENTS
        return PlanKind.APPLICATIONS


class Finding(models.Model):
    """One checklist item of a check: found or not, with a note; for an employer, the certificate
    misused, which ties the finding to its holder's record."""

    check_row = models.ForeignKey(
        Check, verbose_name=_("spot check"), on_delete=models.CASCADE, related_name="findings"
    )
    item = models.CharField(_("checklist item"), max_length=30)
    found = models.BooleanField(_("found"), default=False)
    note = models.TextField(_("note"), blank=True, validators=[text.multi_line])
    certificate = models.ForeignKey(
        "registry.RegistrationCertificate",
        verbose_name=_("certificate concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_findings",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["check_row", "id"]
        constraints = [models.UniqueConstraint(fields=["check_row", "item"], name="supervision_finding_once")]

    def __str__(self) -> str:
        return str(checklist_label(self.check_row.kind, self.item))

    @property
    def label(self) -> str:
        return checklist_label(self.check_row.kind, self.item)


def evidence_path(instance: models.Model, filename: str) -> str:
    """Under private storage, which no URL serves; never the uploaded name (kept in `original_name`)."""
    return f"supervision/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:5]}"


class Evidence(models.Model):
    """A photo or scan taken on site (PDF, JPEG or PNG, checked by content), for one checklist item or
    the check as a whole."""

    check_row = models.ForeignKey(
        Check, verbose_name=_("spot check"), on_delete=models.PROTECT, related_name="evidence"
    )
    item = models.CharField(_("checklist item"), max_length=30, blank=True)
    file = models.FileField(
        _("file"), upload_to=evidence_path, max_length=200, validators=[validate_new_material_file]
    )
    original_name = models.CharField(_("original file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["check_row", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class MeasureKind(models.TextChoices):
    RECTIFICATION = "rectification", _("Rectification order")
    REFERRAL = "referral", _("Referral")
    SUSPENSION = "suspension", _("Suspension of the registration")
    REVOCATION = "revocation", _("Revocation of the registration")


# The measures carried out on a registration certificate through the registry's workflow.
CERTIFICATE_MEASURES = frozenset({MeasureKind.SUSPENSION, MeasureKind.REVOCATION})


class MeasureState(models.TextChoices):
    OPEN = "open", _("To be carried out")
    DONE = "done", _("Done")


class Measure(models.Model):
    """A measure taken on a check's findings (处理措施).

    A rectification order has a due date and is followed up until done; a referral names where the case
    went; a suspension or revocation names the certificate misused and is carried out by association
    staff through the registry's workflow (supervision.services.measure_carry_out), never by editing it.
    """

    check_row = models.ForeignKey(
        Check, verbose_name=_("spot check"), on_delete=models.PROTECT, related_name="measures"
    )
    kind = models.CharField(_("measure"), max_length=20, choices=MeasureKind.choices)
    description = models.TextField(_("what is ordered and why"), validators=[text.multi_line])
    due_on = models.DateField(_("to be rectified by"), null=True, blank=True)
    referred_to = models.CharField(
        _("referred to"), max_length=200, blank=True, validators=[text.single_line]
    )
    certificate = models.ForeignKey(
        "registry.RegistrationCertificate",
        verbose_name=_("registration certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_measures",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=MeasureState.choices, default=MeasureState.OPEN, db_index=True
    )
    follow_up = models.TextField(_("follow-up"), blank=True, validators=[text.multi_line])
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ordered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("ordered at"), auto_now_add=True)
    done_by = acted_by(_("done by"), editable=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["suspension", "revocation"]) | Q(certificate__isnull=False),
                name="supervision_measure_certificate",
            ),
            models.CheckConstraint(
                condition=~Q(kind="rectification") | Q(due_on__isnull=False),
                name="supervision_measure_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.check_row}"
