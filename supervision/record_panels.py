"""Spot-check findings and measures on staff's pages of an employer, a person and a registration
certificate (the issue: "findings stay attached to the employer's and the holder's record and appear, to
staff, on their pages"). Registered in SupervisionConfig.ready() through people/record_panels.py, since
`people` and `registry` may not import this app."""

from django.db.models import Model
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts.models import User
from people.models import Employer, Person
from people.record_panels import register_record_panel
from registry.models import RegistrationCertificate

from . import selectors

VIEW_PERMISSION = "supervision.view_finding"


def supervision_panel(record: Model, user: User) -> SafeString | str:
    """The findings (problems found) and measures concerning `record`, for a user who may read spot
    checks; "" for anyone else and for a record with neither."""
    if not user.has_perm(VIEW_PERMISSION):
        return ""
    if isinstance(record, Employer):
        findings = selectors.findings_of_employer(record)
        measures = selectors.measures_of_employer(record)
    elif isinstance(record, Person):
        findings = selectors.findings_of_person(record.pk)
        measures = selectors.measures_of_person(record.pk)
    elif isinstance(record, RegistrationCertificate):
        findings = selectors.findings_of_certificate(record.pk)
        measures = selectors.measures_of_certificate(record.pk)
    else:
        return ""
    found, ordered = list(findings), list(measures)
    if not found and not ordered:
        return ""
    return render_to_string(
        "admin/supervision/_record_panel.html",
        {"findings": found, "measures": ordered, "on_employer": isinstance(record, Employer)},
    )


def register_panels() -> None:
    register_record_panel("supervision.findings", supervision_panel)
