"""The enterprise portal's assistance visits (指导帮扶) and feedback (意见建议): the clerk's own employer's
rows only (any other → 404); every write is one call of supervision.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from accounts.roles import Role
from registry.portal_forms import add_service_error
from registry.views.portal import _own_employer
from supervision import services
from supervision.feedback_forms import FeedbackForm
from supervision.selectors_visits import employer_feedback, employer_visits
from supervision.visit_forms import VisitRequestForm

PER_PAGE = 20


@role_required(Role.ENTERPRISE)
def visits(request):
    employer = _own_employer(request)
    page = Paginator(employer_visits(employer=employer), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "supervision/portal/visits.html", {"employer": employer, "visits": page})


@role_required(Role.ENTERPRISE)
def visit_request(request):
    employer = _own_employer(request)
    form = VisitRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_request(
                employer=employer,
                by=request.user,
                topics=form.cleaned_data["topics"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your request is sent. The association will answer it here."))
            return redirect("supervision_portal:visit_detail", pk=visit.pk)
    return render(request, "supervision/portal/visit_request.html", {"employer": employer, "form": form})


@role_required(Role.ENTERPRISE)
def visit_detail(request, pk):
    employer = _own_employer(request)
    visit = get_object_or_404(employer_visits(employer=employer), pk=pk)
    return render(request, "supervision/portal/visit_detail.html", {"employer": employer, "visit": visit})


@role_required(Role.ENTERPRISE)
def feedback(request):
    employer = _own_employer(request)
    page = Paginator(employer_feedback(employer=employer), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "supervision/portal/feedback.html", {"employer": employer, "rows": page})


@role_required(Role.ENTERPRISE)
def feedback_submit(request):
    employer = _own_employer(request)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                by=request.user, topic=form.cleaned_data["topic"], message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Thank you. The association's answer will appear on this page."))
            return redirect("supervision_portal:feedback")
    return render(request, "supervision/portal/feedback_submit.html", {"employer": employer, "form": form})
