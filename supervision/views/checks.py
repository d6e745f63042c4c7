"""The inspector's pages, used on a phone on site: the checks assigned to me, and one check's page — what
the system knows about the target, the checklist, evidence, completion and measures.

Every page reaches a check through supervision.selectors.check_for, so another inspector's check (or its
evidence, or its measures) is 404; the bureau may open every check. Each POST calls one service and shows
its ValidationError on the page."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.roles import Role
from exams.models import AssessmentResult
from registry.deadlines import ACCEPTANCE_WORKING_DAYS, APPROVAL_WORKING_DAYS, ISSUANCE_WORKING_DAYS
from registry.models import RegistrationCertificate
from supervision import selectors, services
from supervision.check_forms import ChecklistForm, EvidenceForm, FollowUpForm, MeasureForm
from supervision.downloads import evidence_downloaded
from supervision.models import CERTIFICATE_MEASURES, Check, CheckState, MeasureState

PAGE_SIZE = 50
FILTERS = {"open": CheckState.ASSIGNED, "completed": CheckState.COMPLETED}


@role_required(Role.INSPECTOR, Role.BUREAU)
def check_list(request):
    """My checks, open ones first; the bureau sees all of them."""
    show = request.GET.get("show", "")
    checks = selectors.checks_visible_to(request.user)
    if show in FILTERS:
        checks = checks.filter(state=FILTERS[show])
    else:
        show = ""
    checks = checks.order_by("state", "-plan__period_start", "plan_id", "position")
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/checks/list.html", {"checks": page, "show": show})


def _certificates(check: Check):
    if check.employer_id is None:
        return RegistrationCertificate.objects.none()
    return selectors.certificates_in_force_at(check.employer)


def _page(request, check: Check, **forms):
    """The check's page, with the bound form that failed (if any) in place of its empty one."""
    certificates = _certificates(check)
    is_open = check.state == CheckState.ASSIGNED
    context = {
        "check": check,
        "is_open": is_open,
        "certificates": certificates,
        "findings": check.findings.all(),
        "evidence": check.evidence.all(),
        "measures": [
            {
                "measure": m,
                "awaiting_association": m.kind in CERTIFICATE_MEASURES and m.state == MeasureState.OPEN,
                "follow_up_form": forms.get(f"follow_up_{m.pk}")
                or (
                    FollowUpForm(prefix=f"m{m.pk}")
                    if m.kind not in CERTIFICATE_MEASURES and m.state == MeasureState.OPEN
                    else None
                ),
            }
            for m in check.measures.all()
        ],
        "has_problems": any(f.found for f in check.findings.all()),
        "checklist_form": forms.get("checklist") or ChecklistForm(check=check, certificates=certificates),
        "evidence_form": forms.get("evidence") or EvidenceForm(check=check),
        "measure_form": forms.get("measure") or MeasureForm(certificates=certificates),
        "limits": {
            "acceptance": ACCEPTANCE_WORKING_DAYS,
            "approval": APPROVAL_WORKING_DAYS,
            "issuance": ISSUANCE_WORKING_DAYS,
        },
    }
    if check.application_id:
        context["facts"] = selectors.application_facts(check.application)
    if check.assessment_result_id:
        context["result"] = AssessmentResult.objects.select_related(
            "person", "session", "project", "recorded_by"
        ).get(pk=check.assessment_result_id)
    return render(request, "supervision/checks/detail.html", context)


@role_required(Role.INSPECTOR, Role.BUREAU)
def check_detail(request, pk):
    """The check's page; a POST saves the checklist (check_record)."""
    check = selectors.check_for(request.user, pk)
    if request.method != "POST":
        return _page(request, check)
    form = ChecklistForm(request.POST, check=check, certificates=_certificates(check))
    if form.is_valid():
        try:
            services.check_record(
                check=check,
                by=request.user,
                findings=form.findings(),
                checked_on=form.cleaned_data["checked_on"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The checklist is saved."))
            return redirect("supervision:check_detail", pk=check.pk)
    return _page(request, check, checklist=form)


@require_POST
@role_required(Role.INSPECTOR, Role.BUREAU)
def evidence_upload(request, pk):
    """One or several photos or scans; every file is checked before any is saved."""
    check = selectors.check_for(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES, check=check)
    if form.is_valid():
        try:
            with transaction.atomic():
                for file in form.cleaned_data["files"]:
                    services.evidence_add(
                        check=check, by=request.user, file=file, item=form.cleaned_data["item"]
                    )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The evidence is added."))
            return redirect("supervision:check_detail", pk=check.pk)
    return _page(request, check, evidence=form)


@role_required(Role.INSPECTOR, Role.BUREAU)
def evidence_download(request, pk, eid):
    """A file of a check I may open; any other is not found."""
    check = selectors.check_for(request.user, pk)
    evidence = get_object_or_404(check.evidence.all(), pk=eid)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    name = evidence.original_name or "evidence"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    evidence_downloaded(evidence=evidence, by=request.user)
    return response


@require_POST
@role_required(Role.INSPECTOR, Role.BUREAU)
def check_complete(request, pk):
    check = selectors.check_for(request.user, pk)
    try:
        services.check_complete(check=check, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The check is completed."))
    return redirect("supervision:check_detail", pk=check.pk)


@require_POST
@role_required(Role.INSPECTOR, Role.BUREAU)
def measure_add(request, pk):
    check = selectors.check_for(request.user, pk)
    form = MeasureForm(request.POST, certificates=_certificates(check))
    if form.is_valid():
        try:
            services.measure_add(check=check, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The measure is ordered."))
            return redirect("supervision:check_detail", pk=check.pk)
    return _page(request, check, measure=form)


@require_POST
@role_required(Role.INSPECTOR, Role.BUREAU)
def measure_follow_up(request, pk, mid):
    check = selectors.check_for(request.user, pk)
    measure = get_object_or_404(check.measures.all(), pk=mid)
    form = FollowUpForm(request.POST, prefix=f"m{measure.pk}")
    if form.is_valid():
        try:
            services.measure_follow_up(measure=measure, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect("supervision:check_detail", pk=check.pk)
    return _page(request, check, **{f"follow_up_{measure.pk}": form})
