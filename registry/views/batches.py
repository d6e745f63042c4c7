"""Portal: batches, adding applicants (form and spreadsheet), submitting. Scoped to the user's employer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.roles import Role
from common.sheet_files import sheet_upload_throttled, throttled_message
from exams.models import MetrologyProject
from registry import selectors, sheet_store, spreadsheets
from registry.materials import describe_missing
from registry.portal_batch_forms import ApplicantForm, BatchForm, BatchSubmitForm
from registry.portal_forms import SheetUploadForm
from registry.services.batches import batch_submit as batch_submit_service
from registry.services.intake import (
    RowsRejected,
    batch_add_applicant,
    batch_create,
    batch_import_rows,
    sheet_check,
)
from registry.spreadsheets import COLUMNS
from registry.views.portal import _own_employer, sheet_upload_refusal
from registry.workflow import ApplicationKind

FIELD_OF_COLUMN = {c.header: c.key for c in COLUMNS} | {
    "申请项目代码": "projects",
    "注册证书编号": "target_certificate",
}


def _batch(request, pk):
    employer = _own_employer(request)
    return employer, get_object_or_404(selectors.employer_batches(employer=employer), pk=pk)


@role_required(Role.ENTERPRISE)
def batch_list(request):
    employer = _own_employer(request)
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batch_create(employer=employer, title=form.cleaned_data["title"], by=request.user)
        except ValidationError as error:
            form.add_error(None if not hasattr(error, "error_dict") else "title", error.messages)
        else:
            messages.success(
                request, _("Batch %(number)s created. Now add its applicants.") % {"number": batch.number}
            )
            return redirect("portal:batch_detail", pk=batch.pk)
    batches = selectors.employer_batches(employer=employer)
    return render(
        request, "registry/portal/batches.html", {"employer": employer, "batches": batches, "form": form}
    )


@role_required(Role.ENTERPRISE)
def batch_detail(request, pk):
    employer, batch = _batch(request, pk)
    applications = selectors.batch_applications(batch=batch)
    refused = request.session.pop(f"batch-{batch.pk}-problems", {})  # from the last submission
    for application in applications:
        application.refused = refused.get(str(application.pk), [])
        application.missing_labels = describe_missing(application.missing)
    drafts = [a for a in applications if a.state == "draft"]
    return render(
        request,
        "registry/portal/batch_detail.html",
        {
            "employer": employer,
            "batch": batch,
            "applications": applications,
            "drafts": drafts,
            "ready": [a for a in drafts if not a.missing],
            "upload_form": SheetUploadForm(),
            "submit_form": BatchSubmitForm(),
        },
    )


def _applicant_form(request, employer):
    return ApplicantForm(
        request.POST or None,
        projects=MetrologyProject.objects.filter(is_active=True),
        project_groups=selectors.active_projects_by_category(),
        certificates=selectors.employer_valid_certificates(employer=employer, on=timezone.localdate()),
    )


@role_required(Role.ENTERPRISE)
def applicant_add(request, pk):
    employer, batch = _batch(request, pk)
    form = _applicant_form(request, employer)
    if request.method == "POST" and form.is_valid():
        try:
            application = batch_add_applicant(batch=batch, data=form.cleaned_data, by=request.user)
        except RowsRejected as rejected:
            moves = ApplicationKind(form.cleaned_data["kind"]).moves_employer
            for problem in rejected.problems:
                field = FIELD_OF_COLUMN.get(problem.column or "", problem.column)
                if field == "target_certificate" and moves:
                    field = "target_certificate_number"  # a change of employer names it by number
                form.add_error(field if field in form.fields else None, problem.message)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("%(name)s is in the batch (%(number)s). Upload the materials next.")
                % {"name": application.person.name, "number": application.number},
            )
            if "another" in request.POST:
                return redirect("portal:applicant_add", pk=batch.pk)
            return redirect("portal:application_detail", pk=application.pk)
    return render(request, "registry/portal/applicant_add.html", {"batch": batch, "form": form})


def _preview(request, batch, result, token=None, refused=None, status=200):
    return render(
        request,
        "registry/portal/sheet_preview.html",
        {
            "batch": batch,
            "result": result,
            "token": token,
            "refused": refused,
            "columns": COLUMNS,
            "form": SheetUploadForm(),
        },
        status=status,
    )


def _refuse_unverified(request, employer, batch):
    """A redirect to the batch with the reason when the employer may not upload spreadsheets, else None."""
    refusal = sheet_upload_refusal(employer)
    if refusal is None:
        return None
    messages.error(request, refusal)
    return redirect("portal:batch_detail", pk=batch.pk)


def _read(batch, file):
    return sheet_check(employer=batch.employer, file=file, on=timezone.localdate())


@require_POST
@role_required(Role.ENTERPRISE)
def sheet_upload(request, pk):
    """Step 1: check the file and show every problem, or the rows to be saved. Saves no application."""
    employer, batch = _batch(request, pk)
    if (refused := _refuse_unverified(request, employer, batch)) is not None:
        return refused
    form = SheetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _preview(request, batch, None, refused=_("Choose the filled-in spreadsheet first."))
    if sheet_upload_throttled(request):
        return _preview(request, batch, None, refused=throttled_message(), status=429)
    upload = form.cleaned_data["file"]
    try:
        result = _read(batch, upload)
    except spreadsheets.SheetRefused as refused:
        return _preview(request, batch, None, refused=str(refused))
    except ValidationError as error:  # the employer was suspended since the page checked
        return _preview(request, batch, None, refused=" ".join(error.messages))
    token = None
    if result.ok:
        upload.seek(0)
        token = sheet_store.sheet_keep(
            upload.read(), name=upload.name or "", batch_id=batch.pk, user_id=request.user.pk
        )
    return _preview(request, batch, result, token=token)


@require_POST
@role_required(Role.ENTERPRISE)
def sheet_confirm(request, pk):
    """Step 2: read the kept file again, check it again, and save every row or none."""
    employer, batch = _batch(request, pk)
    if (refused := _refuse_unverified(request, employer, batch)) is not None:
        return refused
    token = request.POST.get("token", "")
    kept = sheet_store.sheet_take(token, batch_id=batch.pk, user_id=request.user.pk)
    if kept is None:
        messages.error(
            request,
            _("The checked file is no longer available (it expires after two hours). Upload it again."),
        )
        return redirect("portal:batch_detail", pk=batch.pk)
    data, name = kept
    try:
        result = _read(batch, ContentFile(data, name=name))
        if not result.ok:
            return _preview(request, batch, result)
        applications = batch_import_rows(batch=batch, rows=result.rows, by=request.user)
    except spreadsheets.SheetRefused as refused:
        return _preview(request, batch, None, refused=str(refused))
    except RowsRejected as rejected:
        result.errors, result.rows = rejected.problems, []
        return _preview(request, batch, result)
    except ValidationError as error:
        return _preview(request, batch, None, refused=" ".join(error.messages))
    sheet_store.sheet_forget(token)
    messages.success(
        request,
        _("%(count)s applicants from the spreadsheet are in the batch. Upload their materials next.")
        % {"count": len(applications)},
    )
    return redirect("portal:batch_detail", pk=batch.pk)


@require_POST
@role_required(Role.ENTERPRISE)
def batch_submit(request, pk):
    employer, batch = _batch(request, pk)
    if not employer.can_submit:
        if employer.status == employer.Status.PENDING:
            messages.error(
                request,
                _(
                    "The association is verifying your employer. Once it is verified you can add "
                    "applicants and submit applications."
                ),
            )
        else:
            messages.error(
                request,
                _(
                    "Your employer cannot submit applications now (it is suspended or not eligible). "
                    "Contact the Heilongjiang Metrology Association."
                ),
            )
        return redirect("portal:batch_detail", pk=batch.pk)
    form = BatchSubmitForm(request.POST)
    confirmed = form.is_valid() and form.cleaned_data["truthfulness"]
    if confirmed and request.POST.get("confirm") != "yes":
        # Submission cannot be undone: first show what will go and what will stay (works without JS).
        return _submit_confirmation(request, employer, batch)
    try:
        result = batch_submit_service(batch=batch, by=request.user, truthfulness_confirmed=confirmed)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("portal:batch_detail", pk=batch.pk)
    if result.submitted:
        messages.success(
            request,
            _(
                "%(count)s applications submitted. "
                "The association decides on acceptance within 5 working days."
            )
            % {"count": len(result.submitted)},
        )
    if result.incomplete:
        messages.warning(
            request,
            _("%(count)s applications were not submitted; what each lacks is listed below.")
            % {"count": len(result.incomplete)},
        )
    if not result.submitted and not result.incomplete:
        messages.info(request, _("There was no draft to submit in this batch."))
    # What an application lacks in materials is shown once, in its own column; only the other problems
    # (eligibility) are kept for the batch page.
    missing = selectors.applications_missing_materials(applications=result.incomplete)
    request.session[f"batch-{batch.pk}-problems"] = {
        str(application.pk): _other_problems(problems, missing[application.pk])
        for application, problems in result.incomplete.items()
    }
    return redirect("portal:batch_detail", pk=batch.pk)


def _other_problems(problems: list[str], missing: dict[str, int]) -> list[str]:
    """`problems` without the "Missing material: …" lines the batch page's materials column says already."""
    said = {_("Missing material: %(item)s") % {"item": item} for item in describe_missing(missing)}
    return [problem for problem in problems if problem not in said]


def _submit_confirmation(request, employer, batch):
    drafts = [a for a in selectors.batch_applications(batch=batch) if a.state == "draft"]
    for application in drafts:
        application.missing_labels = describe_missing(application.missing)
    return render(
        request,
        "registry/portal/batch_submit_confirm.html",
        {
            "employer": employer,
            "batch": batch,
            "ready": [a for a in drafts if not a.missing],
            "staying": [a for a in drafts if a.missing],
        },
    )
