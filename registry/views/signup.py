"""Employer sign-up (企业注册): the one public form of the portal."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_ratelimit.decorators import ratelimit

from common.ratelimits import rate_wait_minutes
from people.services import employer_sign_up
from registry.portal_forms import EmployerSignUpForm, add_service_error
from registry.verification import client_ip

# The user's fields the service fills from the sign-up form's contact fields.
_SERVICE_FIELDS = {"first_name": "contact_name", "phone": "contact_phone", "email": "contact_email"}


def sign_up_rate(group, request) -> str:
    """Sign-ups per client address (django-ratelimit syntax, e.g. "10/h"); REGISTRY_SIGN_UP_RATE.

    The address is the one the trusted proxies saw (registry.verification.client_ip), as for /verify/.
    """
    return settings.REGISTRY_SIGN_UP_RATE


@sensitive_post_parameters("password1", "password2")
@ratelimit(key=client_ip, rate=sign_up_rate, method="POST", block=False)
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = EmployerSignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()  # keep the typed values and show their errors too
            form.add_error(
                None,
                _(
                    "Too many sign-ups were sent from your network in a short time. Try again in at most "
                    "%(minutes)s minutes, or call the Heilongjiang Metrology Association."
                )
                % {"minutes": rate_wait_minutes(settings.REGISTRY_SIGN_UP_RATE)},
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                user = employer_sign_up(
                    uscc=data["uscc"],
                    name=data["name"],
                    prefecture=data["prefecture"],
                    address=data["address"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    username=data["username"],
                    password=data["password1"],
                )
            except ValidationError as error:
                add_service_error(form, error, _SERVICE_FIELDS)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    _(
                        "Your employer is registered. The association will verify it; until then you can "
                        "prepare applications but not submit them."
                    ),
                )
                return redirect("portal:home")
    return render(request, "registry/portal/sign_up.html", {"form": form}, status=status)
