"""Security headers on every response (issue 11, item 8): a strict Content-Security-Policy, a
Permissions-Policy that switches powerful browser features off, and `Cache-Control: no-store` on
everything but static assets, so that no page or download carrying personal data stays in a browser's
or a proxy's cache. docs/decisions/0060-security-headers.md says why the rules are what they are.
"""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from config.middleware import NoStoreMiddleware
from registry.services.materials import material_attach
from tests.factories import (
    ApplicationFactory,
    AssessmentResultFactory,
    EmployerFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from tests.portal_files import pdf_bytes

pytestmark = pytest.mark.django_db

REQUIRED_DIRECTIVES = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
FEATURES_OFF = ("camera", "microphone", "geolocation", "payment", "usb", "display-capture", "serial", "hid")


def csp_directives(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def is_never_stored(response) -> bool:
    directives = {d.strip().split("=")[0] for d in response.headers.get("Cache-Control", "").split(",")}
    return "no-store" in directives and "public" not in directives


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate limits and the QR page cache live there
    yield
    cache.clear()


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", role=Role.ENTERPRISE, employer=EmployerFactory())


def _as(client, user):
    client.force_login(user)
    return client


# --- Content-Security-Policy and Permissions-Policy ------------------------------------------------------


def _pages(clerk) -> list[tuple[object, str]]:
    """(user or None, path): one page of every kind the issue names."""
    return [
        (None, reverse("login")),
        (None, reverse("portal:sign_up")),
        (None, reverse("verify:form")),
        (None, reverse("password_reset")),
        (clerk, reverse("portal:home")),
        (clerk, reverse("portal:batches")),
        (clerk, reverse("password_change")),
        (UserFactory(role=Role.ASSOCIATION), reverse("admin:index")),
        (UserFactory(role=Role.ASSOCIATION), reverse("admin:registry_application_changelist")),
        (UserFactory(role=Role.BUREAU), reverse("reports:home")),
        (UserFactory(role=Role.INSPECTOR), reverse("supervision:home")),
    ]


def test_every_kind_of_page_sends_a_strict_content_security_policy(client, clerk):
    for user, path in _pages(clerk):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, path
        directives = csp_directives(response)
        for name, sources in REQUIRED_DIRECTIVES.items():
            assert directives.get(name) == sources, (path, name, directives.get(name))
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-" not in header, (path, header)  # no 'unsafe-inline', 'unsafe-eval', 'unsafe-hashes'
        assert "*" not in header, header


def test_powerful_browser_features_are_switched_off(client, clerk):
    response = _as(client, clerk).get(reverse("portal:home"))
    policy = {
        item.split("=")[0].strip(): item.split("=")[1].strip()
        for item in response.headers.get("Permissions-Policy", "").split(",")
        if "=" in item
    }
    for feature in FEATURES_OFF:
        assert policy.get(feature) == "()", (feature, response.headers.get("Permissions-Policy"))


def test_referrer_opener_and_sniffing_policies_hold_everywhere(client):
    response = client.get(reverse("login"))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


# --- Cache-Control: no-store ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (Role.ENTERPRISE, "portal:home"),
        (Role.ENTERPRISE, "portal:batches"),
        (Role.ENTERPRISE, "portal:holders"),
        (Role.ENTERPRISE, "portal:colleagues"),
        (Role.ENTERPRISE, "password_change"),
        (Role.BUREAU, "reports:home"),
        (Role.INSPECTOR, "supervision:home"),
        (Role.ASSOCIATION, "admin:index"),
        (Role.ASSOCIATION, "admin:people_person_changelist"),
    ],
)
def test_pages_for_a_signed_in_user_are_never_stored(client, role, url_name):
    extra = {"employer": EmployerFactory()} if role == Role.ENTERPRISE else {}
    response = _as(client, UserFactory(role=role, **extra)).get(reverse(url_name))
    assert response.status_code == 200
    assert is_never_stored(response), (url_name, response.get("Cache-Control"))


def test_the_portals_downloads_of_personal_data_are_never_stored(client, clerk):
    application = ApplicationFactory(employer=clerk.employer)
    material = material_attach(
        application=application,
        kind="application_form",
        file=_pdf("form.pdf"),
        by=clerk,
    )
    certificate = RegistrationCertificateFactory(application__employer=clerk.employer)
    _as(client, clerk)
    for url in (
        reverse("portal:material_download", args=[material.pk]),
        reverse("portal:certificate_pdf", args=[certificate.pk]),
        reverse("portal:sheet_template"),
        reverse("portal:application_detail", args=[application.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert is_never_stored(response), (url, response.get("Cache-Control"))


def test_the_admins_downloads_and_exports_are_never_stored(client, association_user, training_centre_user):
    application = ApplicationFactory()
    material = material_attach(
        application=application, kind="application_form", file=_pdf("form.pdf"), by=None
    )
    certificate = RegistrationCertificateFactory()
    _as(client, association_user)
    for url in (
        reverse("admin:registry_application_material_download", args=[application.pk, material.pk]),
        reverse("admin:registry_registrationcertificate_pdf", args=[certificate.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert is_never_stored(response), (url, response.get("Cache-Control"))

    AssessmentResultFactory()
    _as(client, training_centre_user)
    export = client.post(
        reverse("admin:exams_assessmentresult_export"),
        {"format": "0", "resource": "0", "resultresource_name": "on", "resultresource_id_number": "on"},
    )
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]
    assert is_never_stored(export), export.get("Cache-Control")


def test_the_qr_page_is_never_stored_by_browsers_and_still_cached_on_the_server(
    client, django_assert_num_queries
):
    certificate = RegistrationCertificateFactory()
    url = reverse("verify:token", args=[certificate.verification_token])
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)  # the server-side page cache of registry/views/verify.py still answers
    assert again.content == first.content
    for response in (first, again):
        assert response.status_code == 200
        assert is_never_stored(response), response.get("Cache-Control")
        assert csp_directives(response)["default-src"] == {"'self'"}


def test_anonymous_pages_that_echo_what_was_typed_are_never_stored_either(client):
    """The sign-up form comes back with the contact's name and phone number when a field is wrong; a
    404 page may be anything. No store by default: no list of views to forget one in."""
    response = client.post(
        reverse("portal:sign_up"), {"contact_name": "王五", "contact_phone": "13904510000"}
    )
    assert response.status_code == 200
    assert is_never_stored(response), response.get("Cache-Control")
    missing = client.get("/portal/no-such-page/")
    assert missing.status_code in (302, 404)
    assert is_never_stored(missing)


def test_static_assets_stay_cacheable_even_for_a_signed_in_user(client, clerk, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic, as in development
    settings.WHITENOISE_AUTOREFRESH = True
    response = _as(client, clerk).get("/static/css/site.css")
    assert response.status_code == 200
    assert not is_never_stored(response), response.get("Cache-Control")
    assert "max-age=" in response["Cache-Control"]


def test_the_rule_leaves_anything_under_static_url_alone_whoever_serves_it(settings):
    """Static files served through a view (not WhiteNoise) keep the caching their server chose."""
    from django.http import HttpResponse

    def static_view(request):
        response = HttpResponse("body{}", content_type="text/css")
        response["Cache-Control"] = "max-age=3600, public"
        return response

    middleware = NoStoreMiddleware(static_view)
    css = middleware(RequestFactory().get(settings.STATIC_URL + "css/site.css"))
    assert css["Cache-Control"] == "max-age=3600, public"
    page = middleware(RequestFactory().get("/portal/"))
    assert is_never_stored(page)
    assert "max-age=3600" not in page["Cache-Control"]


def _pdf(name: str):
    from django.core.files.base import ContentFile

    return ContentFile(pdf_bytes(), name=name)
