"""Continuing-education aggregates for the bureau (role `bureau`): counts and sums, never a person.

Per year and prefecture (of the employer a holder's registration named last in the year): holders
registered that year, how many complied, how many fell short, and the hours confirmed. Read in the two
queries of `training.selectors.yearly_compliance`, whatever the number of holders; every prefecture is
listed, in the official order, with zeros where there is nobody.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from people.models import Prefecture

from .selectors import yearly_compliance


@dataclass
class ComplianceCount:
    """One cell of the bureau's table: a year and a prefecture, or a year's total (`prefecture` "")."""

    year: int
    prefecture: str
    label: str
    holders: int = 0
    compliant: int = 0
    short: int = 0
    confirmed_hours: Decimal = Decimal("0")

    def add(self, *, complies: bool, hours: Decimal) -> None:
        self.holders += 1
        self.compliant += complies
        self.short += not complies
        self.confirmed_hours += hours


@dataclass(frozen=True)
class YearAggregates:
    year: int
    by_prefecture: list[ComplianceCount]
    total: ComplianceCount


def compliance_aggregates(*, years: Sequence[int]) -> list[YearAggregates]:
    """For each of `years` (in order), the counts by prefecture and the year's total."""
    cells = {
        (year, p.value): ComplianceCount(year=year, prefecture=p.value, label=str(p.label))
        for year in years
        for p in Prefecture
    }
    totals = {year: ComplianceCount(year=year, prefecture="", label="") for year in years}
    for row in yearly_compliance(years=years):
        totals[row.year].add(complies=row.complies, hours=row.total)
        cell = cells.get((row.year, row.prefecture))
        if cell is None:  # a prefecture no longer in the list: counted under its stored code
            cell = cells[row.year, row.prefecture] = ComplianceCount(
                year=row.year, prefecture=row.prefecture, label=row.prefecture
            )
        cell.add(complies=row.complies, hours=row.total)
    return [
        YearAggregates(
            year=year,
            by_prefecture=[cell for (y, _p), cell in cells.items() if y == year],
            total=totals[year],
        )
        for year in sorted(set(years))
    ]
