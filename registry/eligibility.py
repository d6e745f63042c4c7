"""Who may register what, and when (DESIGN.md §2). Reads only; the services decide what to do with it.

Checked at submission (the employer learns at once) and again at approval (an assessment certificate
may have lapsed in between). Each problem is a sentence in the user's language.
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from exams.selectors import projects_with_valid_assessment
from registry.models import Application, RegistrationCertificate
from registry.workflow import KINDS_WITH_TARGET, ApplicationKind, CertificateState
from workdays.working_days import working_days_between

RENEWAL_WINDOW_WORKING_DAYS = 30  # national rule: apply in the 30 working days before expiry


def pilot_window_open(on: dt.date) -> bool:
    return settings.REGISTRY_PILOT_START <= on <= settings.REGISTRY_PILOT_END


def renewal_window_open(certificate: RegistrationCertificate, on: dt.date) -> bool:
    return on <= certificate.valid_until and working_days_between(on, certificate.valid_until) <= (
        RENEWAL_WINDOW_WORKING_DAYS
    )


def application_eligibility_problems(application: Application, *, on: dt.date) -> list[str]:
    """Every reason `application` may not go ahead on day `on`; empty when it may."""
    kind = application.kind
    problems: list[str] = []
    employer = application.employer

    if kind != ApplicationKind.CANCELLATION:
        if not settings.REGISTRY_PILOT_START <= on <= settings.REGISTRY_PILOT_END:
            problems.append(
                _("The pilot registration window (%(start)s to %(end)s) is not open.")
                % {"start": settings.REGISTRY_PILOT_START, "end": settings.REGISTRY_PILOT_END}
            )
        if employer.is_authorised_verification_institution:
            problems.append(
                _("Staff of an authorised metrological verification institution are not eligible.")
            )
        if employer.status != employer.Status.ACTIVE:
            problems.append(_("The employer is not active (verified and not suspended)."))
        if not application.person.qualifications.filter(level=application.level).exists():
            problems.append(
                _("The person holds no registered metrologist qualification certificate of this level.")
            )

    target = application.target_certificate
    if kind in KINDS_WITH_TARGET:
        if target is None:
            problems.append(_("Choose the registration certificate this application concerns."))
        else:
            if target.person_id != application.person_id:
                problems.append(_("The registration certificate belongs to another person."))
            if target.state != CertificateState.VALID or target.valid_until < on:
                problems.append(_("The registration certificate is no longer valid."))
            elif kind == ApplicationKind.RENEWAL and not renewal_window_open(target, on):
                problems.append(
                    _("A renewal may be applied for only in the 30 working days before the expiry date.")
                )
            if target.level != application.level:
                problems.append(_("The level differs from the level of the registration certificate."))

    if (
        kind == ApplicationKind.INITIAL
        and RegistrationCertificate.objects.filter(
            person_id=application.person_id, level=application.level, state=CertificateState.VALID
        ).exists()
    ):
        problems.append(_("The person already holds a valid registration certificate of this level."))

    if kind in (ApplicationKind.INITIAL, ApplicationKind.CHANGE_SPECIALTY):
        wanted = {p.pk: p for p in application.projects.all()}
        if not wanted:
            problems.append(_("Choose at least one metrology project."))
        held = projects_with_valid_assessment(person_id=application.person_id, on=on)
        for pk, project in sorted(wanted.items()):
            if pk not in held:
                problems.append(
                    _("No valid assessment certificate for the metrology project %(project)s.")
                    % {"project": project}
                )
    return problems
