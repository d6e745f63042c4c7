"""Portal: the employer's continuing-education ledger by year, one activity's page, and file downloads."""

import mimetypes
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.permissions import role_required
from accounts.roles import Role
from training import selectors
from training.downloads import attendance_list_downloaded, evidence_downloaded
from training.forms import ParticipantsSheetForm, YearForm
from training.models import Activity, ParticipationState

from .common import own_activity, own_employer, own_entry, years

PAGE_SIZE = 50


@role_required(Role.ENTERPRISE)
def ledger(request):
    """The year's activities (with the employer's entries in each, by state) and its staff's hours."""
    employer = own_employer(request)
    form = YearForm(request.GET or None, years=years())
    year = form.year_or(timezone.localdate().year)
    state = request.GET.get("state", "")
    if state not in ParticipationState.values:
        state = ""
    activities = Paginator(
        selectors.employer_ledger_activities(employer=employer, year=year), PAGE_SIZE
    ).get_page(request.GET.get("apage"))
    entries = Paginator(
        selectors.employer_ledger_entries(employer=employer, year=year, state=state), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "training/portal/ledger.html",
        {
            "employer": employer,
            "form": form,
            "year": year,
            "state": state,
            "states": ParticipationState.choices,
            "activities": activities,
            "entries": entries,
            "query": urlencode({"year": year, "state": state}) + "&",
        },
    )


@role_required(Role.ENTERPRISE)
def activity_detail(request, pk):
    """One activity and the hours the employer recorded in it; where to add more."""
    employer, activity = own_activity(request, pk)
    entries = Paginator(
        selectors.employer_participations(employer=employer)
        .filter(activity=activity)
        .order_by("person__name", "id"),
        PAGE_SIZE * 4,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "training/portal/activity_detail.html",
        {
            "employer": employer,
            "activity": activity,
            "entries": entries,
            "ours": activity.employer_id == employer.pk,
            "upload_form": ParticipantsSheetForm(),
            "query": "",
        },
    )


def _file_response(field_file, name: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name or "file", content_type=content_type)


@role_required(Role.ENTERPRISE)
def evidence_download(request, pk):
    """The certificate of attendance of one of the employer's entries; anyone else's is not found."""
    _employer, entry = own_entry(request, pk)
    if not entry.evidence:
        raise Http404
    response = _file_response(entry.evidence, entry.evidence_name)
    evidence_downloaded(participation=entry, by=request.user)
    return response


@role_required(Role.ENTERPRISE)
def attendance_list_download(request, pk):
    """The attendance list of an activity the employer recorded itself (a list another body kept may name
    other enterprises' staff, so only the activity's own recorder gets it)."""
    employer = own_employer(request)
    activity = get_object_or_404(Activity.objects.filter(employer=employer), pk=pk)
    if not activity.attendance_list:
        raise Http404
    response = _file_response(activity.attendance_list, activity.attendance_list_name)
    attendance_list_downloaded(activity=activity, by=request.user)
    return response
