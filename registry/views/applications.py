"""Portal: one application's page, its materials, resubmission and withdrawal. Scoped to the employer."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.roles import Role
from registry import selectors
from registry.advisories import application_training
from registry.materials import REQUIRED_MATERIALS, MaterialKind, describe_missing
from registry.portal_batch_forms import MaterialForm, ReplaceMaterialForm, WithdrawForm
from registry.services.applications import application_resubmit as resubmit_service
from registry.services.applications import application_withdraw as withdraw_service
from registry.services.downloads import decision_document_downloaded, material_downloaded
from registry.services.materials import EDITABLE_STATES, material_attach, material_replace
from registry.views.portal import _own_employer
from registry.workflow import ApplicationState, action_label, state_label
from workdays import working_days

WITHDRAWABLE = {ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.CORRECTIONS_REQUESTED}


def _application(request, pk):
    employer = _own_employer(request)
    return employer, get_object_or_404(selectors.employer_applications(employer=employer), pk=pk)


def certificate_pdf_url(certificate) -> str:
    return reverse("portal:certificate_pdf", args=[certificate.pk])


def _history(application, employer):
    rows = []
    for entry in selectors.application_history(application=application):
        if entry.is_system:
            who = _("The system (deadline passed)")
        elif entry.by is not None and entry.by.employer_id == employer.pk:
            who = entry.by.get_full_name() or entry.by.username
        else:
            who = _("Heilongjiang Metrology Association")
        rows.append(
            {
                "at": entry.at,
                "action": action_label(entry.transition),
                "state": state_label(entry.to_state),
                "who": who,
                "comment": entry.comment,
            }
        )
    return rows


@role_required(Role.ENTERPRISE)
def application_detail(request, pk, material_form=None):
    employer, application = _application(request, pk)
    today = timezone.localdate()
    due = application.current_due_on
    deadline = None
    if due is not None:
        deadline = {
            "due": due,
            "left": working_days.working_days_between(today, due),
            "provisional": working_days.is_provisional(today, due),
        }
    materials = list(application.materials.select_related("project").order_by("kind", "id"))
    missing = selectors.application_missing_materials(application=application)
    projects = list(application.projects.all())
    counts: dict[str, int] = {}
    copies: dict[int | None, int] = {}
    for material in materials:
        counts[material.kind] = counts.get(material.kind, 0) + 1
        if material.kind == MaterialKind.ASSESSMENT_CERTIFICATE:
            copies[material.project_id] = copies.get(material.project_id, 0) + 1
    to_replace = (
        selectors.application_items_not_replaced(application=application)
        if application.state == "corrections_requested"
        else []
    )
    checklist = []
    for kind, needed in REQUIRED_MATERIALS[application.kind].items():
        if kind == MaterialKind.ASSESSMENT_CERTIFICATE and projects:
            # One copy per project applied for; an unnamed (older) copy stands for a single project.
            for project in projects:
                have = copies.get(project.pk, 0) + (copies.get(None, 0) if len(projects) == 1 else 0)
                label = _("%(material)s of %(project)s") % {
                    "material": MaterialKind(kind).label,
                    "project": project,
                }
                checklist.append({"label": label, "needed": 1, "have": have, "replace": kind in to_replace})
        else:
            checklist.append(
                {
                    "label": MaterialKind(kind).label,
                    "needed": needed,
                    "have": counts.get(kind, 0),
                    "replace": kind in to_replace,
                }
            )
    for material in materials:
        material.to_replace = material.kind in to_replace
    certificate = (
        getattr(application, "produced_certificate", None) if application.state == "issued" else None
    )
    return render(
        request,
        "registry/portal/application_detail.html",
        {
            "employer": employer,
            "application": application,
            "deadline": deadline,
            "materials": materials,
            "missing": describe_missing(missing),
            "checklist": checklist,
            "editable": application.state in EDITABLE_STATES,
            "withdrawable": application.state in WITHDRAWABLE,
            "correction_items": [
                {"label": MaterialKind(k).label, "replaced": k not in to_replace}
                for k in application.correction_items
                if k in MaterialKind.values
            ],
            "to_replace": [MaterialKind(k).label for k in to_replace],
            "history": _history(application, employer),
            "certificate": certificate,
            "certificate_pdf_url": certificate_pdf_url(certificate) if certificate else None,
            "decisions": [
                {"document": d, "url": reverse("portal:decision_pdf", args=[d.pk])}
                for d in selectors.application_decision_documents(application=application)
            ],
            "material_form": material_form
            or MaterialForm(application_kind=application.kind, projects=application.projects.all()),
            "replace_form": ReplaceMaterialForm(material_kind=""),
            "withdraw_form": WithdrawForm(),
            "projects": projects,
            # A renewal: the holder's continuing-education years, read from the ledger (docs/decisions/0095).
            "training": application_training(application, on=today),
        },
    )


@require_POST
@role_required(Role.ENTERPRISE)
def material_upload(request, pk):
    _employer, application = _application(request, pk)
    form = MaterialForm(
        request.POST, request.FILES, application_kind=application.kind, projects=application.projects.all()
    )
    if form.is_valid():
        try:
            material_attach(
                application=application,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
                by=request.user,
                project=form.cleaned_data.get("project"),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The file is saved."))
            return redirect("portal:application_detail", pk=application.pk)
    return application_detail(request, application.pk, material_form=form)


@require_POST
@role_required(Role.ENTERPRISE)
def material_replace_view(request, pk):
    employer = _own_employer(request)
    material = get_object_or_404(selectors.employer_materials(employer=employer), pk=pk)
    form = ReplaceMaterialForm(request.POST, request.FILES, material_kind=material.kind)
    if form.is_valid():
        try:
            material_replace(material=material, file=form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file is replaced."))
    else:
        messages.error(
            request,
            _("The file was not replaced: %(problems)s")
            % {"problems": " ".join(form.errors.get("file", []))},
        )
    return redirect("portal:application_detail", pk=material.application_id)


@role_required(Role.ENTERPRISE)
def material_download(request, pk):
    """A material of one's own employer, as an attachment; anyone else's is not found (404)."""
    employer = _own_employer(request)
    material = get_object_or_404(selectors.employer_materials(employer=employer), pk=pk)
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    material_downloaded(material=material, by=request.user)
    content_type = mimetypes.guess_type(material.original_name)[0] or "application/octet-stream"
    return FileResponse(
        handle, as_attachment=True, filename=material.original_name, content_type=content_type
    )


def decision_document_response(request, document) -> FileResponse:
    """The stored written decision as a download named after its number; the download is audited."""
    try:
        handle = document.pdf.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    decision_document_downloaded(document=document, by=request.user)
    return FileResponse(
        handle, as_attachment=True, filename=f"{document.number}.pdf", content_type="application/pdf"
    )


@role_required(Role.ENTERPRISE)
def decision_download(request, pk):
    """A written decision on one of one's own employer's applications; anyone else's is not found (404)."""
    employer = _own_employer(request)
    document = get_object_or_404(selectors.employer_decision_documents(employer=employer), pk=pk)
    return decision_document_response(request, document)


@require_POST
@role_required(Role.ENTERPRISE)
def application_resubmit(request, pk):
    employer, application = _application(request, pk)
    if not employer.can_submit:
        messages.error(
            request,
            _(
                "Your employer cannot submit applications now. "
                "Contact the Heilongjiang Metrology Association."
            ),
        )
        return redirect("portal:application_detail", pk=application.pk)
    try:
        resubmit_service(application=application, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Resubmitted. The association decides on acceptance within 5 working days.")
        )
    return redirect("portal:application_detail", pk=application.pk)


@require_POST
@role_required(Role.ENTERPRISE)
def application_withdraw(request, pk):
    _employer, application = _application(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():  # e.g. invisible characters in the reason: say so, withdraw nothing
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("portal:application_detail", pk=application.pk)
    try:
        withdraw_service(application=application, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect("portal:application_detail", pk=application.pk)
