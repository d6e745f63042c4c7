"""The enterprise portal (role `enterprise`). Every view scopes its rows to the user's own employer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts.permissions import role_required
from accounts.roles import Role
from common.sheet_files import sheet_upload_throttled, throttled_message
from people import selectors as people_selectors
from people.models import Employer
from people.services import EmployerStatusError, employer_user_add
from registry import selectors, spreadsheets
from registry.pdf.application_form import FILE_NAMES, blank_application_form
from registry.portal_forms import ColleagueForm, SheetUploadForm, add_service_error
from registry.services.intake import sheet_check as sheet_check_service
from registry.workflow import ApplicationKind


def _own_employer(request):
    """The employer the signed-in enterprise user acts for; 404 for a user not linked to one."""
    employer = people_selectors.employer_of(user=request.user)
    if employer is None:
        raise Http404
    return employer


@role_required(Role.ENTERPRISE)
def home(request):
    employer = people_selectors.employer_of(user=request.user)
    return render(request, "registry/portal/home.html", {"employer": employer})


@role_required(Role.ENTERPRISE)
def colleagues(request):
    employer = _own_employer(request)
    users = people_selectors.employer_users(employer=employer)
    return render(request, "registry/portal/colleagues.html", {"employer": employer, "users": users})


@sensitive_post_parameters("password1", "password2")
@role_required(Role.ENTERPRISE)
def colleague_add(request):
    employer = _own_employer(request)
    form = ColleagueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = employer_user_add(
                employer=employer,
                username=data["username"],
                name=data["name"],
                phone=data["phone"],
                password=data["password1"],
                by=request.user,
            )
        except EmployerStatusError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_error(form, error, {"first_name": "name"})
        else:
            messages.success(
                request,
                _("Account %(username)s for %(name)s is ready. Tell your colleague the initial password.")
                % {"username": user.username, "name": user.first_name},
            )
            return redirect("portal:colleagues")
    return render(request, "registry/portal/colleague_add.html", {"employer": employer, "form": form})


@role_required(Role.ENTERPRISE)
def application_form(request):
    """The blank application form (申请表) of one kind (?kind=…, initial by default), as a printable PDF."""
    kind = request.GET.get("kind", ApplicationKind.INITIAL)
    if kind not in ApplicationKind.values:
        raise Http404
    response = HttpResponse(blank_application_form(kind), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, FILE_NAMES[ApplicationKind(kind)])
    return response


@role_required(Role.ENTERPRISE)
def sheet_template(request):
    """The applicants template (.xlsx), the same for every employer."""
    response = HttpResponse(
        spreadsheets.build_template(
            [
                (project.code, project.name, category)
                for category, group in selectors.active_projects_by_category()
                for project in group
            ]
        ),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, "批量申请模板.xlsx")
    return response


def sheet_upload_refusal(employer: Employer) -> str | None:
    """Why `employer`'s users may not upload spreadsheets now (Employer.can_upload_sheets), or None."""
    if employer.can_upload_sheets:
        return None
    if employer.status == Employer.Status.PENDING:
        return _(
            "The association has not verified your employer yet, so spreadsheets cannot be uploaded. "
            "Please wait for the verification; you can upload them once it is done."
        )
    if employer.status == Employer.Status.REFUSED:
        return _(
            "The association did not verify your employer (the reason is on the portal's home page), so "
            "spreadsheets cannot be uploaded."
        )
    return _(
        "Your employer is suspended, so spreadsheets cannot be uploaded. "
        "Contact the Heilongjiang Metrology Association."
    )


@role_required(Role.ENTERPRISE)
def sheet_check(request):
    """Check a filled-in spreadsheet and show every problem per row. Saves nothing."""
    employer = _own_employer(request)
    refusal = sheet_upload_refusal(employer)
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and refusal:
        status = 403
    elif request.method == "POST" and form.is_valid():
        if sheet_upload_throttled(request):
            form.add_error("file", throttled_message())
            status = 429
        else:
            try:
                result = sheet_check_service(
                    employer=employer, file=form.cleaned_data["file"], on=timezone.localdate()
                )
            except spreadsheets.SheetRefused as refused:
                form.add_error("file", str(refused))
            except ValidationError as error:
                form.add_error(None, error.messages)
    return render(
        request,
        "registry/portal/sheet_check.html",
        {
            "form": form,
            "refusal": refusal,
            "result": result,
            "errors_by_row": result.errors_by_row() if result else {},
            "columns": spreadsheets.COLUMNS,
        },
        status=status,
    )
