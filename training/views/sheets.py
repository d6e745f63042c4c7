"""Portal: an activity's participants from a spreadsheet, checked first and saved on confirmation.

As the batch upload (registry/views/batches.py): the upload is read through the one guard and checked row
by row against the ledger; a file with any problem saves nothing and names every bad row; a clean file is
kept encrypted (registry/sheet_store.py, scoped to the activity and the user) and shown as a preview;
"save" reads the kept file again, checks it again and records every row or none.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.roles import Role
from common.sheet_files import SheetRefused, sheet_upload_throttled, throttled_message
from registry import sheet_store
from registry.views.portal import sheet_upload_refusal
from training import participant_sheets, services
from training.forms import ParticipantsSheetForm

from .common import own_activity

SCOPE = "training-activity"


@role_required(Role.ENTERPRISE)
def sheet_template(request):
    """The participants template (.xlsx), the same for every employer and activity."""
    response = HttpResponse(
        participant_sheets.build_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, "继续教育参加人员模板.xlsx")
    return response


def _preview(request, activity, sheet, *, token=None, refused=None, status=200):
    return render(
        request,
        "training/portal/sheet_preview.html",
        {
            "activity": activity,
            "sheet": sheet,
            "token": token,
            "refused": refused,
            "form": ParticipantsSheetForm(),
        },
        status=status,
    )


def _refused(request, employer, activity):
    refusal = sheet_upload_refusal(employer)
    if refusal is None:
        return None
    messages.error(request, refusal)
    return redirect("training:activity_detail", pk=activity.pk)


@require_POST
@role_required(Role.ENTERPRISE)
def sheet_upload(request, pk):
    """Step 1: check the file and show every problem, or the rows to be saved. Saves no hours."""
    employer, activity = own_activity(request, pk, recorded_by_us=True)
    if (refused := _refused(request, employer, activity)) is not None:
        return refused
    form = ParticipantsSheetForm(request.POST, request.FILES)
    if not form.is_valid():
        return _preview(request, activity, None, refused=_("Choose the filled-in spreadsheet first."))
    if sheet_upload_throttled(request):
        return _preview(request, activity, None, refused=throttled_message(), status=429)
    upload = form.cleaned_data["file"]
    try:
        sheet = participant_sheets.participants_check(activity=activity, employer=employer, file=upload)
    except SheetRefused as refusal:
        return _preview(request, activity, None, refused=str(refusal))
    token = None
    if sheet.ok:
        upload.seek(0)
        token = sheet_store.sheet_keep(
            upload.read(), name=upload.name or "", batch_id=activity.pk, user_id=request.user.pk, scope=SCOPE
        )
    return _preview(request, activity, sheet, token=token)


@require_POST
@role_required(Role.ENTERPRISE)
def sheet_confirm(request, pk):
    """Step 2: read the kept file again, check it again, and record every row or none."""
    employer, activity = own_activity(request, pk, recorded_by_us=True)
    if (refused := _refused(request, employer, activity)) is not None:
        return refused
    token = request.POST.get("token", "")
    kept = sheet_store.sheet_take(token, batch_id=activity.pk, user_id=request.user.pk, scope=SCOPE)
    if kept is None:
        messages.error(
            request,
            _("The checked file is no longer available (it expires after two hours). Upload it again."),
        )
        return redirect("training:activity_detail", pk=activity.pk)
    data, name = kept
    try:
        sheet = participant_sheets.participants_check(
            activity=activity, employer=employer, file=ContentFile(data, name=name), name=name
        )
        if not sheet.ok:
            return _preview(request, activity, sheet)
        created = services.participations_record(
            activity=activity, entries=sheet.entries(), by=request.user, employer=employer
        )
    except SheetRefused as refusal:
        return _preview(request, activity, None, refused=str(refusal))
    except ValidationError as error:
        return _preview(request, activity, None, refused=" ".join(error.messages))
    sheet_store.sheet_forget(token)
    messages.success(
        request,
        _("%(count)s participants' hours are recorded; they await the association's confirmation.")
        % {"count": len(created)},
    )
    return redirect("training:activity_detail", pk=activity.pk)
