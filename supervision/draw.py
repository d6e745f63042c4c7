"""The random draw of a spot-check plan (双随机): which entities are checked, and by which inspectors.

Pure and deterministic: the same seed, population, pool, conflicts and sizes give the same result on any
machine and any Python 3 (random.Random seeded by an int is Mersenne Twister, whose output for a given
seed Python keeps stable; `sample` on a list is documented and unchanged since Python 3.11). Inputs are
sorted first, so the order the database returned them in does not matter. docs/decisions/0097 writes the
algorithm out so that anyone can repeat a published draw.
"""

import math
import secrets
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DrawnCheck:
    entity: int  # the id of the employer, assessment result or application drawn
    inspectors: tuple[int, ...]  # user ids, ascending


def seed_new() -> str:
    """128 random bits from the operating system, as 32 hex digits: unguessable before the draw."""
    return secrets.token_hex(16)


def sample_count(population: int, *, size: int | None, percent: int | None) -> int:
    """How many to draw: the number asked for, or the percentage rounded up (at least one), never more
    than the population."""
    if population == 0:
        return 0
    if size is not None:
        return min(size, population)
    if percent is not None:
        return min(population, max(1, math.ceil(population * percent / 100)))
    raise ValueError("a plan has a sample size or a percentage")


def draw(
    *,
    seed: str,
    population: Iterable[int],
    count: int,
    pool: Iterable[int],
    per_check: int,
    conflicts: Iterable[tuple[int, int]] = (),
    employer_of: Mapping[int, int | None] | None = None,
) -> list[DrawnCheck]:
    """Draw `count` entities from `population` and `per_check` inspectors for each from `pool`.

    1. rng = random.Random(int(seed, 16)); population and pool sorted ascending.
    2. entities = sorted(rng.sample(population, count)).
    3. For each entity in that order: eligible = the pool minus every inspector who declared a conflict
       (inspector, employer) with the entity's employer (`employer_of[entity]`, none for an entity
       without one); inspectors = sorted(rng.sample(eligible, per_check)).

    Refuses (ValidationError, in Chinese) when the population is smaller than asked, the pool has fewer
    than two inspectors, or an entity has fewer eligible inspectors than `per_check`.
    """
    people = sorted(set(population))
    inspectors = sorted(set(pool))
    if per_check < 2:
        raise ValidationError(_("Every check needs at least two inspectors."), code="per_check")
    if count < 1 or count > len(people):
        raise ValidationError(
            _("There is nothing to draw from: the population of this plan is empty."), code="empty"
        )
    if len(inspectors) < per_check:
        raise ValidationError(
            _("The inspectors' pool has %(pool)d inspectors; each check needs %(need)d.")
            % {"pool": len(inspectors), "need": per_check},
            code="pool_small",
        )
    blocked: dict[int, set[int]] = {}
    for inspector, employer in conflicts:
        blocked.setdefault(employer, set()).add(inspector)
    employer_of = employer_of or {}
    rng = random.Random(int(seed, 16))
    drawn = []
    for entity in sorted(rng.sample(people, count)):
        employer = employer_of.get(entity)
        eligible = (
            [i for i in inspectors if i not in blocked.get(employer, set())] if employer else inspectors
        )
        if len(eligible) < per_check:
            raise ValidationError(
                _(
                    "Too many inspectors of the pool declared a conflict with one of the drawn employers: "
                    "%(eligible)d remain where %(need)d are needed. Add inspectors to the pool."
                )
                % {"eligible": len(eligible), "need": per_check},
                code="conflicts",
            )
        drawn.append(DrawnCheck(entity=entity, inspectors=tuple(sorted(rng.sample(eligible, per_check)))))
    return drawn
