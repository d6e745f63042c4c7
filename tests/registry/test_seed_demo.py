import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from people.models import Employer, Person, QualificationCertificate
from registry.demo import DEMO_PASSWORD
from registry.models import Application, AuditEntry, DecisionDocument, RegistrationCertificate

pytestmark = pytest.mark.django_db


def _counts():
    models = [User, Employer, Person, QualificationCertificate, Application, AuditEntry]
    models += [RegistrationCertificate, DecisionDocument]
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_twice_duplicates_nothing():
    call_command("seed_demo", force=True)
    first = _counts()
    call_command("seed_demo", force=True)
    assert _counts() == first
    assert first["Employer"] >= 3


def test_every_demo_user_can_log_in_and_lands_on_its_page(client):
    call_command("seed_demo", force=True)
    expected = {
        "admin": "/admin/",
        "xiehui": "/admin/",
        "xiehui2": "/admin/",
        "peixun": "/admin/",
        "qiye": "/portal/",
        "shiju": "/reports/",
        "zhuanjia": "/supervision/",
        "shenji": "/admin/",
    }
    for username, target in expected.items():
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        response = client.get("/")
        assert response["Location"] == target, username
        assert client.get(target).status_code == 200, username
        client.logout()


def test_the_demo_password_meets_the_password_policy():
    call_command("seed_demo", force=True)
    for user in User.objects.all():
        validate_password(DEMO_PASSWORD, user)  # raises ValidationError otherwise


@pytest.mark.real_otp
def test_demo_staff_set_up_their_second_factor_at_first_login_and_clerks_need_none(client):
    """seed_demo gives nobody an authenticator: no shared secret is ever published with the demo."""
    call_command("seed_demo", force=True)
    assert not TOTPDevice.objects.exists()
    client.post(reverse("login"), {"username": "xiehui", "password": DEMO_PASSWORD})
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("two_factor:setup"))
    client.logout()
    client.post(reverse("login"), {"username": "qiye", "password": DEMO_PASSWORD})
    assert client.get("/portal/").status_code == 200


def test_demo_employers_are_in_different_prefectures():
    call_command("seed_demo", force=True)
    assert Employer.objects.values("prefecture").distinct().count() >= 3


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Employer.objects.exists()


def test_demo_data_passes_model_validation():
    call_command("seed_demo", force=True)
    for obj in [*Employer.objects.all(), *Person.objects.all()]:
        obj.full_clean()


def test_demo_applications_stand_in_several_states_reached_through_the_workflow():
    call_command("seed_demo", force=True)
    states = set(Application.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "corrections_requested", "accepted", "approved", "issued"} <= states
    issued = Application.objects.filter(state="issued")
    assert RegistrationCertificate.objects.filter(application__in=issued).count() == issued.count() > 0
    # Every application got there through the services, each step audited.
    for application in Application.objects.exclude(state="draft"):
        assert application.audit_entries.filter(transition="submit").exists(), application


def test_the_demo_applications_have_their_written_notices():
    """Accepted (and on beyond), not accepted, denied and sent a correction notice: each has its document."""
    call_command("seed_demo", force=True)
    kinds = {
        state: set(DecisionDocument.objects.filter(application__state=state).values_list("kind", flat=True))
        for state in ["accepted", "approved", "issued", "not_accepted", "denied", "corrections_requested"]
    }
    assert kinds["accepted"] == kinds["approved"] == kinds["issued"] == {"acceptance"}
    assert kinds["not_accepted"] == {"non_acceptance"}
    assert kinds["denied"] == {"acceptance", "denial"}
    assert kinds["corrections_requested"] == {"correction"}
    assert all(d.pdf and d.pdf.storage.exists(d.pdf.name) for d in DecisionDocument.objects.all())
