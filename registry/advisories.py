"""What a renewal learns from the continuing-education ledger: the extension point (docs/decisions/0095).

The registry sits below `training` (.importlinter), so it cannot read the ledger itself. Instead it names
the shape of what it needs — a holder's years with hours required, confirmed and professional, and the
shortfall (`TrainingYear`) — and the ledger registers a provider of them in `TrainingConfig.ready()`
(`register_training_years_provider`). Every reader in the registry asks here:

- the portal's and the admin's application page of a renewal show the years (`renewal_training_years`);
- approval of a renewal with a non-compliant year needs a written reason (`renewal_advisories`, in
  registry/services/applications.py);
- certificate-expiry reminders mention the years short so far (`training_years_for`).

The years are those of the registration period of the certificate renewed, from the year it starts to the
year it ends, but not past the year of the day asked about (a year not yet begun is not judged). Each year
is judged on the holder's days registered in it (training.rules: pro rata). The answers are warnings, never
problems of eligibility: the plan says "generally" (一般), so staff may approve with a written reason.

With no provider registered (the training app not installed) there are no years and no warnings.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from registry.models import Application, RegistrationCertificate
from registry.workflow import ApplicationKind


@dataclass(frozen=True)
class TrainingYear:
    """One holder's continuing education in one calendar year, as the ledger judges it."""

    year: int
    covered_days: int  # days of the year the holder was registered
    required: Decimal
    confirmed: Decimal
    professional: Decimal
    pending: Decimal  # recorded, awaiting confirmation (does not count)
    complies: bool
    shortfall: Decimal  # further hours needed (0 when it complies)
    shortfall_professional: Decimal  # of which at least this many professional


@dataclass(frozen=True)
class Advisory:
    """A warning about a renewal that staff may override with a written reason."""

    code: str
    year: int
    message: str


# provider(certificates, on) -> {certificate id: [TrainingYear, ...] of `training_period_years`}
TrainingYearsProvider = Callable[[Sequence[RegistrationCertificate], dt.date], dict[int, list[TrainingYear]]]

_PROVIDERS: dict[str, TrainingYearsProvider] = {}


def register_training_years_provider(name: str, provider: TrainingYearsProvider) -> None:
    """Register (or replace, under the same name) a source of holders' years: idempotent, so an app's
    ready() may run it more than once."""
    _PROVIDERS[name] = provider


def training_years_provided() -> bool:
    """Whether any app provides holders' years (otherwise pages show no continuing-education table)."""
    return bool(_PROVIDERS)


def training_period_years(certificate: RegistrationCertificate, on: dt.date) -> range:
    """The calendar years judged for `certificate` on day `on`: its period's years up to `on`'s year."""
    return range(certificate.valid_from.year, min(certificate.valid_until.year, on.year) + 1)


def training_years_for(
    certificates: Sequence[RegistrationCertificate], *, on: dt.date
) -> dict[int, list[TrainingYear]]:
    """{certificate id: its holder's years of `training_period_years`, in order}: one call per provider
    for all the certificates (set-based), empty without a provider."""
    result: dict[int, list[TrainingYear]] = {}
    if not certificates:
        return result
    for provider in _PROVIDERS.values():
        for certificate_id, years in provider(list(certificates), on).items():
            result.setdefault(certificate_id, []).extend(years)
    for years in result.values():
        years.sort(key=lambda y: y.year)
    return result


def renewal_training_years(certificate: RegistrationCertificate, *, on: dt.date) -> list[TrainingYear]:
    """The holder's years for the renewal of `certificate` judged on day `on`."""
    return training_years_for([certificate], on=on).get(certificate.pk, [])


def hours_text(hours: Decimal) -> str:
    """Hours as people write them: 90, 89.5 (no trailing ".0", no exponent)."""
    return f"{Decimal(hours).normalize():f}"


def shortfall_message(year: TrainingYear) -> str:
    """The warning for one non-compliant year, naming the year and what is missing."""
    values = {
        "year": year.year,
        "required": hours_text(year.required),
        "confirmed": hours_text(year.confirmed),
        "professional": hours_text(year.professional),
        "short": hours_text(year.shortfall),
        "short_professional": hours_text(year.shortfall_professional),
    }
    if year.shortfall_professional:
        return (
            _(
                "Continuing education %(year)s: %(confirmed)s of %(required)s hours confirmed "
                "(%(professional)s professional); short by %(short)s hours, of which at least "
                "%(short_professional)s professional."
            )
            % values
        )
    return (
        _(
            "Continuing education %(year)s: %(confirmed)s of %(required)s hours confirmed "
            "(%(professional)s professional); short by %(short)s hours."
        )
        % values
    )


def advisories_from(years: Sequence[TrainingYear]) -> list[Advisory]:
    """One warning per non-compliant year."""
    return [
        Advisory(code="training_shortfall", year=year.year, message=shortfall_message(year))
        for year in years
        if not year.complies
    ]


def renewal_advisories(certificate: RegistrationCertificate, *, on: dt.date) -> list[Advisory]:
    """The warnings about renewing `certificate` on day `on`: each non-compliant year of its period."""
    return advisories_from(renewal_training_years(certificate, on=on))


@dataclass(frozen=True)
class RenewalTraining:
    """What a renewal's pages show: the holder's years and the warnings of the non-compliant ones."""

    years: list[TrainingYear]
    advisories: list[Advisory]


def application_training(application: Application, *, on: dt.date) -> RenewalTraining | None:
    """For a renewal, its holder's years judged on day `on`; None for another kind or with no provider."""
    if application.kind != ApplicationKind.RENEWAL or not training_years_provided():
        return None
    certificate = application.target_certificate
    if certificate is None:
        return None
    years = renewal_training_years(certificate, on=on)
    return RenewalTraining(years=years, advisories=advisories_from(years))
