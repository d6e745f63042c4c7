"""Every write of the yearly report: the draft's text, submission (freezing a version), and the bureau's
answer. Each is one transaction with its audit event; e-mails go through the registry's outbox after commit
(docs/decisions/0050-notification-outbox.md)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.models import Action
from audit.services import audit_log
from common import text
from registry.services.notifications import notification_queue_email

from .document import ReportDocument
from .exports import render_pdf, render_xlsx
from .figures import Period, report_figures
from .models import AnnualReport, ReportVersion, VersionState

TEXT_FIELDS = ("work_done", "problems", "suggestions")
TEXT_LIMIT = 20_000  # characters per part: a few pages, never a pasted database


def role_emails(role: Role) -> list[str]:
    """The e-mail addresses of the active users holding `role`, deduplicated, sorted."""
    emails = (
        get_user_model()
        .objects.filter(groups__name=str(role), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted({e.strip() for e in emails if e.strip()})


def annual_report_open(*, year: int) -> AnnualReport:
    """The year's report, created empty the first time anyone opens it (nothing to audit: no content)."""
    report, _created = AnnualReport.objects.get_or_create(year=year)
    return report


@transaction.atomic
def report_text_update(*, report: AnnualReport, by: User, **parts: str) -> AnnualReport:
    """Save the written part (section 6). Refused, changing nothing, for text the registry never stores
    (control characters, far too long)."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    errors = {}
    for name in TEXT_FIELDS:
        value = parts.get(name, getattr(report, name))
        if not isinstance(value, str):
            errors[name] = [_("Enter text.")]
            continue
        value = value.replace("\r\n", "\n").strip()
        try:
            text.multi_line(value)
        except ValidationError as error:
            errors[name] = error.messages
            continue
        if len(value) > TEXT_LIMIT:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}]
            continue
        parts[name] = value
    if errors:
        raise ValidationError(errors)
    changed = [name for name in TEXT_FIELDS if name in parts and parts[name] != getattr(report, name)]
    if not changed:
        return report
    for name in changed:
        setattr(report, name, parts[name])
    report.updated_by = by
    report.updated_at = timezone.now()
    report.save(update_fields=[*changed, "updated_by", "updated_at"])
    audit_log(
        action=Action.REPORT_TEXT,
        actor=by,
        target=report,
        target_label=str(report),
        detail={"year": report.year, "parts": changed},
    )
    return report


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def report_submit(*, report: AnnualReport, by: User, today: dt.date | None = None) -> ReportVersion:
    """Freeze the year's report as a new version and send it to the bureau.

    Only once the year is over (before, the figures are still moving). The figures are computed now and
    stored as JSON with the text as it stands; the PDF and the workbook are drawn from exactly that and
    stored with their SHA-256. An earlier version still awaiting the bureau is replaced by this one; a
    returned or acknowledged one keeps its state. Nothing submitted is ever changed."""
    today = today or timezone.localdate()
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if today.year <= report.year:
        raise ValidationError(
            _("The report on %(year)s can be submitted from 1 January %(next)s, once the year is over.")
            % {"year": report.year, "next": report.year + 1}
        )
    with translation.override("zh-hans"):  # a document for the bureau: in Chinese, whoever submits it
        figures = report_figures(Period.of_year(report.year, today=today))
        number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        submitted_at = timezone.now()
        document = ReportDocument(
            figures=figures,
            work_done=report.work_done,
            problems=report.problems,
            suggestions=report.suggestions,
            version=number,
            submitted_by=by.get_full_name() or by.get_username(),
            submitted_at=submitted_at,
        )
        pdf, xlsx = render_pdf(document), render_xlsx(document)
    report.versions.filter(state=VersionState.SUBMITTED).update(state=VersionState.SUPERSEDED)
    version = ReportVersion(
        report=report,
        number=number,
        period_start=dt.date(report.year, 1, 1),
        period_end=dt.date(report.year, 12, 31),
        figures=figures,
        work_done=report.work_done,
        problems=report.problems,
        suggestions=report.suggestions,
        pdf_sha256=_sha256(pdf),
        xlsx_sha256=_sha256(xlsx),
        checksum=document.checksum,
        submitted_by=by,
        submitted_at=submitted_at,
    )
    stem = document.file_stem()
    version.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    version.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    version.save()
    audit_log(
        action=Action.REPORT_SUBMITTED,
        actor=by,
        target=version,
        target_label=str(version),
        detail={"year": report.year, "version": number, "checksum": version.checksum},
    )
    with translation.override("zh-hans"):  # the bureau's e-mail in Chinese, whoever submits
        _notify(
            Role.BUREAU,
            key=f"report:{report.year}:v{number}:submitted",
            subject=_("The report on %(year)s (version %(number)s) has been submitted")
            % {"year": report.year, "number": number},
            body=_(
                "The metrology association has submitted its report on the registration of enterprise "
                "registered metrologists in %(year)s, version %(number)s, on %(day)s. Sign in to the "
                "registry to read it, return it with comments or acknowledge receipt."
            )
            % {"year": report.year, "number": number, "day": timezone.localdate(submitted_at).isoformat()},
        )
    return version


def _answerable(version: ReportVersion) -> ReportVersion:
    version = (
        ReportVersion.objects.select_for_update(of=("self",)).select_related("report").get(pk=version.pk)
    )
    if version.state != VersionState.SUBMITTED:
        raise ValidationError(
            _(
                "This version has already been answered or replaced by a later one; "
                "it cannot be answered again."
            )
        )
    return version


@transaction.atomic
def report_return(*, version: ReportVersion, by: User, comment: str) -> ReportVersion:
    """The bureau sends a version back with its comments; the association corrects and submits again."""
    comment = comment.replace("\r\n", "\n").strip()
    if not comment:
        raise ValidationError({"comment": [_("Say what is to be corrected.")]})
    text.multi_line(comment)
    if len(comment) > TEXT_LIMIT:
        raise ValidationError({"comment": [_("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}]})
    version = _answerable(version)
    return _answer(version, by=by, state=VersionState.RETURNED, comment=comment)


@transaction.atomic
def report_acknowledge(*, version: ReportVersion, by: User, comment: str = "") -> ReportVersion:
    """The bureau confirms it received the version (回执)."""
    comment = comment.replace("\r\n", "\n").strip()
    text.multi_line(comment)
    if len(comment) > TEXT_LIMIT:
        raise ValidationError({"comment": [_("At most %(limit)s characters.") % {"limit": TEXT_LIMIT}]})
    version = _answerable(version)
    return _answer(version, by=by, state=VersionState.ACKNOWLEDGED, comment=comment)


def _answer(version: ReportVersion, *, by: User, state: VersionState, comment: str) -> ReportVersion:
    version.state = state
    version.answered_by = by
    version.answered_at = timezone.now()
    version.bureau_comment = comment
    version.save(update_fields=["state", "answered_by", "answered_at", "bureau_comment"])
    year, number = version.report.year, version.number
    audit_log(
        action=Action.REPORT_ANSWERED,
        actor=by,
        target=version,
        target_label=str(version),
        detail={"year": year, "version": number, "state": str(state)},
    )
    with translation.override("zh-hans"):
        if state == VersionState.RETURNED:
            subject = _("The bureau returned the report on %(year)s (version %(number)s)")
            body = _("The bureau returned version %(number)s of the report on %(year)s with these comments:")
            body = f"{body % {'year': year, 'number': number}}\n\n{comment}\n\n" + _(
                "Correct the report in the registry and submit it again."
            )
        else:
            subject = _("The bureau acknowledged receipt of the report on %(year)s (version %(number)s)")
            body = _("The bureau acknowledged receipt of version %(number)s of the report on %(year)s.") % {
                "year": year,
                "number": number,
            }
            if comment:
                body = f"{body}\n\n{comment}"
        _notify(
            Role.ASSOCIATION,
            key=f"report:{year}:v{number}:{state}",
            subject=subject % {"year": year, "number": number},
            body=body,
        )
    return version


def _notify(role: Role, *, key: str, subject: str, body: str) -> None:
    recipients = role_emails(role)
    if recipients:
        notification_queue_email(key=key, to=recipients, subject=subject, body=body)
