"""Read queries of the assessments. PLACEHOLDER bodies until issue 4 lands; the signatures are final."""

import datetime as dt
from collections.abc import Iterable


def projects_with_valid_assessment(*, person_id: int, on: dt.date) -> frozenset[int]:
    """Ids of the metrology projects `person_id` holds a valid assessment certificate for on day `on`.

    Counts all three sources: assessment certificates the training centre issued, certificates
    recognised from other regions, and old verifier certificates, the last two only once checked by staff.
    """
    return projects_with_valid_assessment_for_people(person_ids=[person_id], on=on).get(
        person_id, frozenset()
    )


def projects_with_valid_assessment_for_people(
    *, person_ids: Iterable[int], on: dt.date
) -> dict[int, frozenset[int]]:
    """The same for many people at once, in a constant number of queries (batch uploads, the admin)."""
    return {}
