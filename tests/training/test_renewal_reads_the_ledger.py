"""Renewal reads the continuing-education ledger (issue 15, docs/decisions/0095): the portal and the admin
show the holder's years, each non-compliant year is a warning, and approving despite one needs a reason."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from audit.describe import summary
from audit.models import Action, AuditEvent
from registry import advisories
from registry.materials import REQUIRED_MATERIALS, MaterialKind
from registry.models import Application
from registry.services import applications as services
from registry.workflow import ApplicationKind, ApplicationState
from tests.factories import ApplicationFactory, RegistrationCertificateFactory, UserFactory
from training.models import Activity, ActivityKind, Participation, ParticipationState, Subject

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = dt.date(2026, 6, 25)  # a Thursday, within the 30 working days before the certificate's end
PERIOD = (dt.date(2021, 7, 1), dt.date(2026, 6, 30))
YEARS = list(range(2021, 2027))


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def certificate():
    return RegistrationCertificateFactory(issued_on=PERIOD[0], valid_from=PERIOD[0], valid_until=PERIOD[1])


def hours(
    person, year: int, amount: str, *, subject=Subject.PROFESSIONAL, state=ParticipationState.CONFIRMED
):
    """`amount` hours of `person` in an activity that ended in `year` (June, or December)."""
    ends = dt.date(year, 12, 1) if year == 2021 else dt.date(year, 3, 1)
    activity = Activity.objects.create(
        title=f"{year}年计量培训",
        kind=ActivityKind.COURSE,
        organiser="省计量协会",
        starts_on=ends,
        ends_on=ends,
        place="哈尔滨",
        hours=D(amount),
        subject=subject,
    )
    Participation.objects.create(activity=activity, person=person, hours=D(amount), state=state)


def comply_every_year(person, *, but=()):
    for year in YEARS:
        if year not in but:
            hours(person, year, "90")


def renewal(certificate) -> Application:
    return ApplicationFactory(
        accepted=True,
        kind=ApplicationKind.RENEWAL,
        person=certificate.person,
        employer=certificate.employer,
        level=certificate.level,
        target_certificate=certificate,
    )


def test_renewal_no_longer_asks_for_a_record_file():
    assert MaterialKind.CONTINUING_EDUCATION_RECORD not in REQUIRED_MATERIALS[ApplicationKind.RENEWAL]
    assert MaterialKind.CONTINUING_EDUCATION_RECORD in MaterialKind.values  # kept for files already uploaded


def test_compliant_years_give_no_warning(certificate):
    comply_every_year(certificate.person)
    years = advisories.renewal_training_years(certificate, on=TODAY)
    assert [y.year for y in years] == YEARS
    assert all(y.complies for y in years)
    # 2021 and 2026 were registered in part: pro rata by days (184 and 181 days of 365)
    assert (years[0].required, years[-1].required) == (D("45"), D("44.5"))
    assert advisories.renewal_advisories(certificate, on=TODAY) == []


def test_a_short_year_is_named_with_its_shortfall(certificate):
    comply_every_year(certificate.person, but=[2024])
    hours(certificate.person, 2024, "60")
    hours(certificate.person, 2024, "20", state=ParticipationState.RECORDED)  # awaiting: does not count
    [warning] = advisories.renewal_advisories(certificate, on=TODAY)
    assert warning.year == 2024
    assert "2024" in warning.message
    assert "60" in warning.message
    assert "30" in warning.message
    short = next(y for y in advisories.renewal_training_years(certificate, on=TODAY) if y.year == 2024)
    assert (short.required, short.confirmed, short.pending, short.shortfall) == (D(90), D(60), D(20), D(30))


def test_too_few_professional_hours_is_short_too(certificate):
    comply_every_year(certificate.person, but=[2023])
    hours(certificate.person, 2023, "50")
    hours(certificate.person, 2023, "40", subject=Subject.GENERAL)
    [warning] = advisories.renewal_advisories(certificate, on=TODAY)
    assert warning.year == 2023
    # 90 in all but 50 professional: 30 more professional hours make 80 of 120
    assert "30" in warning.message


def test_a_year_not_yet_begun_is_not_judged(certificate):
    assert [y.year for y in advisories.renewal_training_years(certificate, on=dt.date(2025, 12, 20))] == list(
        range(2021, 2026)
    )


def test_approval_is_refused_without_a_reason_and_nothing_changes(certificate, association_user):
    comply_every_year(certificate.person, but=[2022, 2024])
    application = renewal(certificate)
    with pytest.raises(ValidationError) as refused:
        services.application_approve(application=application, by=association_user)
    assert "training_shortfall" in {e.code for e in refused.value.error_list}
    assert "2022、2024" in refused.value.messages[0]
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED
    assert application.training_override_years == []
    assert not AuditEvent.objects.filter(action=Action.TRAINING_SHORTFALL_OVERRIDDEN).exists()
    with pytest.raises(ValidationError):  # a blank reason is no reason
        services.application_approve(application=application, by=association_user, override_reason="  \n ")


def test_approval_with_a_reason_is_recorded_in_the_audit_trail(certificate, association_user):
    comply_every_year(certificate.person, but=[2024])
    application = renewal(certificate)
    reason = "2024年因援疆任务无法参加培训，已补充学习证明"
    approved = services.application_approve(
        application=application, by=association_user, override_reason=f"  {reason} "
    )
    assert approved.state == ApplicationState.APPROVED
    approved.refresh_from_db()
    assert (approved.training_override_years, approved.training_override_reason) == ([2024], reason)
    event = AuditEvent.objects.get(action=Action.TRAINING_SHORTFALL_OVERRIDDEN)
    assert event.detail == {"years": [2024], "reason": reason}
    assert event.actor == association_user
    assert event.target_id == str(application.pk)


def test_a_compliant_renewal_and_other_kinds_need_no_reason(certificate, association_user):
    comply_every_year(certificate.person)
    approved = services.application_approve(application=renewal(certificate), by=association_user)
    assert approved.state == ApplicationState.APPROVED
    assert approved.training_override_years == []
    initial = ApplicationFactory(accepted=True, person=certificate.person, employer=certificate.employer)
    assert advisories.application_training(initial, on=TODAY) is None


def test_invisible_characters_in_the_reason_are_refused(certificate, association_user):
    comply_every_year(certificate.person, but=[2024])
    application = renewal(certificate)
    with pytest.raises(ValidationError) as refused:
        services.application_approve(
            application=application, by=association_user, override_reason="理由\u202e"
        )
    assert refused.value.error_list[0].code == "invisible_characters"
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED


def test_no_provider_registered_means_no_warning(certificate, association_user, monkeypatch, client):
    monkeypatch.setattr(advisories, "_PROVIDERS", {})
    application = renewal(certificate)  # no hours at all
    assert advisories.renewal_advisories(certificate, on=TODAY) == []
    assert advisories.application_training(application, on=TODAY) is None
    clerk = UserFactory(role=Role.ENTERPRISE, employer=certificate.employer)
    client.force_login(clerk)
    page = client.get(reverse("portal:application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="training-years"' not in page
    approved = services.application_approve(application=application, by=association_user)
    assert approved.state == ApplicationState.APPROVED


def test_the_portal_shows_the_years_and_names_each_short_year(certificate, client):
    comply_every_year(certificate.person, but=[2024])
    hours(certificate.person, 2024, "60")
    application = renewal(certificate)
    client.force_login(UserFactory(role=Role.ENTERPRISE, employer=certificate.employer))
    page = client.get(reverse("portal:application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="training-years"' in page
    advisories_html = page.split('data-testid="training-advisories"')[1].split("</div>")[0]
    assert "2024" in advisories_html
    assert "2023" not in advisories_html
    assert "30" in advisories_html  # the shortfall of 2024
    for year in YEARS:
        assert f'<th scope="row">{year}</th>' in page
    assert "继续教育记录" not in page.split('data-testid="checklist"')[1].split("</table>")[0]


def test_the_admin_page_shows_the_years_and_approval_asks_for_the_reason(
    certificate, association_user, client
):
    comply_every_year(certificate.person, but=[2024])
    application = renewal(certificate)
    client.force_login(association_user)
    page = client.get(reverse("admin:registry_application_change", args=[application.pk]))
    assert 'data-testid="training-advisories"' in page.content.decode()
    url = reverse("admin:registry_application_transition", args=[application.pk, "approve"])
    form_page = client.get(url)
    assert list(form_page.context["form"].fields) == ["override_reason"]
    assert 'data-testid="training-years"' in form_page.content.decode()
    refused = client.post(url, {"override_reason": ""})
    assert refused.status_code == 200  # the form again, with the service's reason above it
    assert any("2024" in str(m) for m in refused.context["form"].non_field_errors())
    assert Application.objects.get(pk=application.pk).state == ApplicationState.ACCEPTED
    client.post(url, {"override_reason": "已补充学习证明"})
    assert Application.objects.get(pk=application.pk).state == ApplicationState.APPROVED
    # a compliant renewal's approval is a plain confirmation
    other = RegistrationCertificateFactory(issued_on=PERIOD[0], valid_from=PERIOD[0], valid_until=PERIOD[1])
    comply_every_year(other.person)
    url = reverse("admin:registry_application_transition", args=[renewal(other).pk, "approve"])
    assert list(client.get(url).context["form"].fields) == []


def test_the_override_reads_in_the_audit_trail(certificate, association_user):
    comply_every_year(certificate.person, but=[2022, 2024])
    services.application_approve(
        application=renewal(certificate), by=association_user, override_reason="另行核实"
    )
    text = summary(AuditEvent.objects.get(action=Action.TRAINING_SHORTFALL_OVERRIDDEN))
    assert "2022、2024" in text
    assert "另行核实" in text
    assert "years：" not in text  # the key is labelled, not shown raw
