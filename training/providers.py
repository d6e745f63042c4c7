"""The ledger's answers to the registry (registry/advisories.py, docs/decisions/0095): registered in
TrainingConfig.ready(), so that the registry reads the ledger without importing it."""

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from registry.advisories import TrainingYear, register_training_years_provider, training_period_years
from registry.audit_details import download_file_label
from registry.models import RegistrationCertificate

from .selectors import YearCompliance, yearly_compliance


def _training_year(row: YearCompliance) -> TrainingYear:
    shortfall = row.shortfall
    return TrainingYear(
        year=row.year,
        covered_days=row.covered_days,
        required=row.required,
        confirmed=row.total,
        professional=row.professional,
        pending=row.pending,
        complies=row.complies,
        shortfall=shortfall.hours,
        shortfall_professional=shortfall.professional,
    )


def ledger_training_years(
    certificates: Sequence[RegistrationCertificate], on: dt.date
) -> dict[int, list[TrainingYear]]:
    """{certificate id: its holder's years of the registration period}, judged on the holder's days
    registered (any certificate), in the two queries of `yearly_compliance` for all the certificates."""
    periods = {c.pk: training_period_years(c, on) for c in certificates}
    years = sorted({year for period in periods.values() for year in period})
    if not years:
        return {}
    rows = {
        (row.person_id, row.year): row
        for row in yearly_compliance(years=years, person_ids={c.person_id for c in certificates})
    }
    return {
        c.pk: [_training_year(rows[c.person_id, y]) for y in periods[c.pk] if (c.person_id, y) in rows]
        for c in certificates
    }


def register_providers() -> None:
    register_training_years_provider("training.ledger", ledger_training_years)
    download_file_label("training_evidence", _("continuing-education certificate of attendance"))
    download_file_label("training_attendance_list", _("continuing-education attendance list"))
