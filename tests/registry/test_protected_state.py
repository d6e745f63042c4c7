"""Only a transition moves an application or a certificate: the state fields are protected."""

import pytest
from django.core.exceptions import ValidationError

from registry.models import Application, RegistrationCertificate
from registry.services.applications import application_accept
from registry.workflow import ApplicationState, CertificateState
from tests.factories import ApplicationFactory, RegistrationCertificateFactory

pytestmark = pytest.mark.django_db


def test_assigning_an_applications_state_raises_and_changes_nothing(monday):
    application = ApplicationFactory(submitted=True)
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        application.state = ApplicationState.ISSUED
    assert application.state == ApplicationState.SUBMITTED
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED


def test_assigning_a_certificates_state_raises():
    certificate = RegistrationCertificateFactory()
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        certificate.state = CertificateState.REVOKED
    with pytest.raises(AttributeError):
        setattr(certificate, "state", CertificateState.EXPIRED)  # noqa: B010 - the same, spelled otherwise
    assert RegistrationCertificate.objects.get(pk=certificate.pk).state == CertificateState.VALID


def test_a_row_is_still_built_in_a_state_and_reloaded(monday, association_user):
    """Construction (factories, bulk loads) may name the state; refresh_from_db reloads it after a move."""
    application = Application(state=ApplicationState.ACCEPTED)
    assert application.state == ApplicationState.ACCEPTED
    stale = ApplicationFactory(submitted=True)
    application_accept(application=stale, by=association_user)
    stale.refresh_from_db()
    assert stale.state == ApplicationState.ACCEPTED
    stale.refresh_from_db(fields=["state"])
    assert stale.state == ApplicationState.ACCEPTED


def test_full_clean_checks_the_state_without_assigning_it(monday):
    application = ApplicationFactory.build(submitted=True)
    application.full_clean(exclude=["person", "employer"])  # validates: no AttributeError
    bogus = Application(state="lost")
    with pytest.raises(ValidationError) as excinfo:
        bogus.full_clean(exclude=["person", "employer", "kind", "level"])
    assert "state" in excinfo.value.message_dict


def test_full_clean_reports_a_bad_state_together_with_every_other_fields_error():
    """All problems at once: the state's error does not hide the other fields' (nor they the state's)."""
    bogus = Application(state="lost")  # no kind, level, person or employer either
    with pytest.raises(ValidationError) as excinfo:
        bogus.full_clean()
    assert set(excinfo.value.message_dict) == {"state", "kind", "level", "person", "employer"}


def test_full_clean_leaves_the_state_alone_when_told_to():
    Application(state="lost").full_clean(exclude=["person", "employer", "kind", "level", "state"])


@pytest.mark.parametrize("exclude", [None, ["person", "employer", "kind", "level"], ("person",)])
def test_clean_fields_takes_what_django_allows_for_exclude(exclude):
    """Django calls clean_fields(exclude=set), callers may pass None, a list or a tuple: each is honoured
    and the state is still validated (unless excluded)."""
    bogus = Application(state="lost")
    with pytest.raises(ValidationError) as excinfo:
        bogus.clean_fields(exclude=exclude)
    assert "state" in excinfo.value.message_dict
    assert not set(excinfo.value.message_dict) & set(exclude or ())
