"""Portal: the employer's certificate holders, and starting a change, renewal or cancellation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from accounts.roles import Role
from exams.models import MetrologyProject
from registry import selectors
from registry.eligibility import renewal_window_open
from registry.portal_batch_forms import DepartureForm, HolderStartForm
from registry.services.certificates import certificate_report_departure
from registry.services.intake import holder_application_start
from registry.views.portal import _own_employer


@role_required(Role.ENTERPRISE)
def holders(request):
    employer = _own_employer(request)
    certificates = selectors.employer_valid_certificates(employer=employer, on=timezone.localdate())
    return render(
        request, "registry/portal/holders.html", {"employer": employer, "certificates": certificates}
    )


@role_required(Role.ENTERPRISE)
def holder_detail(request, pk):
    employer = _own_employer(request)
    today = timezone.localdate()
    certificate = get_object_or_404(selectors.employer_valid_certificates(employer=employer, on=today), pk=pk)
    form = HolderStartForm(
        request.POST or None,
        projects=MetrologyProject.objects.filter(is_active=True),
        project_groups=selectors.active_projects_by_category(),
        batches=selectors.employer_batches(employer=employer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = holder_application_start(
                certificate=certificate,
                kind=form.cleaned_data["kind"],
                projects=form.cleaned_data["projects"],
                batch=form.cleaned_data["batch"],
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _(
                    "The application %(number)s is prepared as a draft. "
                    "Upload its materials, then submit its batch."
                )
                % {"number": application.number},
            )
            return redirect("portal:application_detail", pk=application.pk)
    return render(
        request,
        "registry/portal/holder_detail.html",
        {
            "employer": employer,
            "certificate": certificate,
            "projects": list(certificate.projects.all()),
            "renewal_open": renewal_window_open(certificate, today),
            "form": form,
            "departure_form": DepartureForm(),
        },
    )


@role_required(Role.ENTERPRISE)
@require_POST
def holder_departure(request, pk):
    """The employer reports that the holder left (issue 14 item 7); staff confirm by recording the lapse."""
    employer = _own_employer(request)
    certificate = get_object_or_404(
        selectors.employer_valid_certificates(employer=employer, on=timezone.localdate()), pk=pk
    )
    form = DepartureForm(request.POST)
    if form.is_valid():
        try:
            certificate_report_departure(certificate=certificate, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The association was told that %(name)s left; it confirms and records the lapse.")
                % {"name": certificate.person.name},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("portal:holder_detail", pk=certificate.pk)
