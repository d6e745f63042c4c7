"""The public certificate verification page (/verify/, no login): docs/decisions/0005-public-verification.md.

Two ways in: the QR code's URL (/verify/<token>/) or the form (certificate number + the holder's full
name, by POST so names stay out of URLs and logs). Every lookup counts against the client's rate limit;
over it, a 429 page. A wrong name and an unknown number get the very same "not found" answer.

The QR code's signed payload (registry/qr_signing.py, docs/decisions/0103) is checked in the browser, with
the public keys embedded in the page: /verify/offline/ (paste the scanned text) and the QR page itself
when opened with its fragment. /verify/keys/ and /verify/keys.json publish those keys.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common.ratelimits import rate_wait_minutes
from people.validators import mask_resident_id
from registry import selectors
from registry.elicence import certificate_elicence
from registry.eligibility import certificate_renewal_pending
from registry.forms import VerifyForm
from registry.models import RegistrationCertificate
from registry.qr_signing import ALGORITHM, published_keys, qr_check_messages
from registry.verification import (
    mask_name,
    verification_page_cache_key,
    verification_rate_limited,
    verification_token_is_well_formed,
)
from registry.workflow import CertificateState


def _result(certificate: RegistrationCertificate) -> dict:
    """What the public may see: never the full name, the full ID number or the photo.

    A valid certificate past its printed end is still valid while a renewal applied for in time is being
    decided (`renewal_pending`); one that renews an earlier one is valid from its first day only
    (`not_yet_valid`; until then the earlier one is valid): docs/decisions/0090.
    """
    today = timezone.localdate()
    return {
        "renewal_pending": certificate_renewal_pending(certificate, today),
        "not_yet_valid": certificate.state == CertificateState.VALID and certificate.valid_from > today,
        "number": certificate.number,
        "state": certificate.state,
        "state_label": certificate.get_state_display(),
        "ended_on": certificate.ended_on,
        # A lapse's category is public (why it is no longer valid); staff's note and evidence are not.
        "lapse_reason_label": certificate.get_lapse_reason_display() if certificate.lapse_reason else "",
        "level_label": certificate.get_level_display(),
        "masked_name": mask_name(certificate.person.name),
        "masked_id": mask_resident_id(certificate.person.id_number),
        "employer": certificate.employer_name,  # as issued
        "projects": [f"{p.code} {p.name}" for p in certificate.projects.all()],
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
        "issued_on": certificate.issued_on,
        # The e-licence metadata; its holder name is the full one, so the template shows masked_name.
        "elicence": certificate_elicence(certificate),
    }


def _offline_check_context() -> dict:
    """What the in-browser check needs: the published keys and its Chinese messages (static/js/verify-qr.js).

    Everything the check uses is in the page, so checking sends nothing to the server.
    """
    return {
        "qr_keys": [key.as_json() for key in published_keys().values()],
        "qr_messages": qr_check_messages(),
    }


def _too_many(request, rate: str):
    """The 429 page, saying the longest wait under `rate` (the limit that refused this request)."""
    return render(
        request, "registry/verify/rate_limited.html", {"minutes": rate_wait_minutes(rate)}, status=429
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify_form(request):
    form = VerifyForm(request.POST if request.method == "POST" else None)
    context: dict = {"form": form}
    if request.method == "POST":
        if verification_rate_limited(request, kind="number"):
            return _too_many(request, settings.REGISTRY_VERIFY_LOOKUP_RATE)
        if form.is_valid():
            certificate = selectors.certificate_by_number_and_name(
                number=form.cleaned_data["number"], name=form.cleaned_data["name"]
            )
            context["searched"] = True
            context["result"] = _result(certificate) if certificate is not None else None
    return render(request, "registry/verify/form.html", context)


@never_cache
@require_http_methods(["GET"])
def verify_token(request, token: str):
    """The QR code's page. Rate-limited first; then served from the cache, which the certificate services
    clear when the certificate's state changes (REGISTRY_VERIFY_PAGE_SECONDS bounds any other staleness)."""
    if verification_rate_limited(request, kind="token"):
        return _too_many(request, settings.REGISTRY_VERIFY_RATE)
    key = (
        verification_page_cache_key(token, get_language())
        if verification_token_is_well_formed(token)
        else None
    )
    page = cache.get(key) if key else None
    if page is not None:
        return HttpResponse(page)
    certificate = selectors.certificate_by_token(token=token)
    context = {"searched": True, "result": _result(certificate) if certificate is not None else None}
    context.update(_offline_check_context())
    page = render_to_string("registry/verify/token.html", context, request=request)
    if certificate is None or key is None:
        return HttpResponse(page, status=404)  # junk tokens are not cached: they would fill the cache
    cache.set(key, page, settings.REGISTRY_VERIFY_PAGE_SECONDS)
    return HttpResponse(page)


@require_http_methods(["GET"])
def verify_offline(request):
    """Paste the scanned text (or arrive with it in the URL's fragment); the browser checks the signature."""
    return render(request, "registry/verify/offline.html", _offline_check_context())


@require_http_methods(["GET"])
def verify_keys(request):
    """The public keys the QR signatures are checked with, for anyone to copy and check offline."""
    keys = list(published_keys().values())
    return render(request, "registry/verify/keys.html", {"keys": keys, "algorithm": ALGORITHM})


@require_http_methods(["GET"])
def verify_keys_json(request):
    """The same keys as JSON: kid, algorithm, validity window, raw key (base64url) and PEM."""
    return JsonResponse(
        {"format": "hl1", "keys": [key.as_json() for key in published_keys().values()]},
        json_dumps_params={"ensure_ascii": False},
    )
