"""Assistance visits (指导帮扶): experts visit an enterprise to guide the use of its measuring instruments,
help build its metrology management rules and encourage enterprise measurement standards.

A visit is requested by the enterprise from the portal, or planned directly by the association or the
bureau. Its states, all changed only by supervision.services.visits:

    requested ──plan──▶ planned ──record──▶ done
        │                  │ (plan again: a new date or experts)
        └──decline─────────┴──decline──▶ declined (with the reason the enterprise reads)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import text

from .fields import acted_by


class VisitOrigin(models.TextChoices):
    ENTERPRISE = "enterprise", _("Requested by the enterprise")
    ASSOCIATION = "association", _("Planned by the association")
    BUREAU = "bureau", _("Planned by the bureau")


class VisitState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


class VisitTopic(models.TextChoices):
    INSTRUMENTS = "instruments", _("Use of measuring instruments")
    RULES = "rules", _("Metrology management rules")
    STANDARDS = "standards", _("Enterprise measurement standards")
    OTHER = "other", _("Other")


def topic_labels(topics: list[str]) -> list[str]:
    """The labels of `topics`, in the order of VisitTopic; unknown slugs are skipped."""
    return [str(label) for value, label in VisitTopic.choices if value in topics]


class AssistanceVisit(models.Model):
    employer = models.ForeignKey(
        "people.Employer",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="assistance_visits",
    )
    origin = models.CharField(_("origin"), max_length=20, choices=VisitOrigin.choices)
    state = models.CharField(_("state"), max_length=20, choices=VisitState.choices, db_index=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    request_note = models.TextField(_("request"), blank=True, validators=[text.multi_line_from_enterprise])
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    experts = models.TextField(
        _("experts"), blank=True, validators=[text.multi_line], help_text=_("Names, often external experts.")
    )
    findings = models.TextField(_("what was found"), blank=True, validators=[text.multi_line])
    advice = models.TextField(_("what was advised"), blank=True, validators=[text.multi_line])
    follow_up = models.TextField(_("follow-up"), blank=True, validators=[text.multi_line])
    decline_reason = models.TextField(_("reason declined"), blank=True, validators=[text.multi_line])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = acted_by(_("created by"))
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True, editable=False)
    planned_by = acted_by(_("planned by"))
    done_at = models.DateTimeField(_("recorded at"), null=True, blank=True, editable=False)
    done_by = acted_by(_("recorded by"))
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True, editable=False)
    declined_by = acted_by(_("declined by"))

    class Meta:
        verbose_name = _("assistance visit")
        verbose_name_plural = _("assistance visits")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.employer.name} · {self.get_state_display()}"

    @property
    def topic_labels(self) -> list[str]:
        return topic_labels(self.topics or [])
