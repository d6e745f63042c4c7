"""The public feedback form (/feedback/, no sign-in) and the page where its submitter reads the answer
with the tracking code. Posts are rate-limited per client address (REGISTRY_FEEDBACK_RATE) and pass a
small challenge (supervision.challenge); a refused post saves nothing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from common.ratelimits import rate_wait_minutes
from registry.portal_forms import add_service_error
from registry.verification import client_ip
from supervision import services
from supervision.feedback_forms import PublicFeedbackForm
from supervision.models import Feedback, FeedbackOrigin


def feedback_rate(group, request) -> str:
    """Public feedback posts per client address (django-ratelimit syntax); REGISTRY_FEEDBACK_RATE."""
    return settings.REGISTRY_FEEDBACK_RATE


@never_cache
@ratelimit(key=client_ip, rate=feedback_rate, method="POST", block=False)
def feedback_form(request):
    form = PublicFeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many messages were sent from your network in a short time. Try again in at most "
                    "%(minutes)s minutes, or call the Heilongjiang Metrology Association."
                )
                % {"minutes": rate_wait_minutes(settings.REGISTRY_FEEDBACK_RATE)},
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                feedback = services.feedback_submit(
                    topic=data["topic"], message=data["message"], name=data["name"], contact=data["contact"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                request.session["feedback_code"] = feedback.tracking_code
                return redirect("public_feedback:sent")
    return render(request, "supervision/public/feedback_form.html", {"form": form}, status=status)


@never_cache
def feedback_sent(request):
    """Shows the tracking code once, right after sending (kept in the session, not in the URL)."""
    code = request.session.pop("feedback_code", None)
    if code is None:
        return redirect("public_feedback:form")
    return render(request, "supervision/public/feedback_sent.html", {"code": code})


@never_cache
def feedback_status(request, code):
    feedback = get_object_or_404(Feedback, origin=FeedbackOrigin.PUBLIC, tracking_code=code.upper())
    return render(request, "supervision/public/feedback_status.html", {"feedback": feedback})
