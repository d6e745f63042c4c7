"""The random draw (双随机): reproducible from its stored inputs, conflicts honoured, at least two
inspectors per check, all or nothing (issue 16, "Done when"; docs/decisions/0097-random-draws.md)."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.roles import Role
from audit.models import Action, AuditEvent
from supervision.draw import draw, sample_count
from supervision.models import Check, InspectorConflict, Plan, PlanKind, PlanState
from supervision.services import conflict_declare, plan_create, plan_draw, plan_draw_again
from tests.factories import EmployerFactory, RegistrationCertificateFactory, UserFactory

SEED = "0123456789abcdef0123456789abcdef"


# --- the algorithm alone ---------------------------------------------------------------------------


def test_same_seed_and_population_give_the_same_draw_whatever_the_input_order():
    population = list(range(1, 200))
    first = draw(seed=SEED, population=population, count=20, pool=[7, 8, 9, 10], per_check=2)
    again = draw(seed=SEED, population=list(reversed(population)), count=20, pool=[10, 9, 8, 7], per_check=2)
    assert first == again
    assert len({d.entity for d in first}) == 20
    assert all(len(d.inspectors) == 2 == len(set(d.inspectors)) for d in first)


def test_another_seed_gives_another_draw():
    population = list(range(1, 200))
    a = draw(seed=SEED, population=population, count=20, pool=[1, 2, 3, 4], per_check=2)
    b = draw(seed="f" * 32, population=population, count=20, pool=[1, 2, 3, 4], per_check=2)
    assert a != b


def test_the_draw_is_pinned_for_a_published_seed():
    """A change to the algorithm (or to Python's generator) must be noticed: published draws must stay
    repeatable. These values are what the algorithm of decision 0097 gives."""
    drawn = draw(seed=SEED, population=range(1, 11), count=3, pool=[1, 2, 3], per_check=2)
    assert [(d.entity, d.inspectors) for d in drawn] == PINNED


PINNED = [(2, (2, 3)), (4, (1, 3)), (9, (2, 3))]  # computed by hand from the steps of decision 0097


def test_conflicts_are_honoured_over_many_seeds():
    conflicts = [(1, 100), (2, 100), (3, 101)]
    employer_of = {100: 100, 101: 101, 102: 102}
    seen = Counter()
    for n in range(300):
        for d in draw(
            seed=f"{n:032x}",
            population=[100, 101, 102],
            count=3,
            pool=[1, 2, 3, 4, 5],
            per_check=2,
            conflicts=conflicts,
            employer_of=employer_of,
        ):
            assert not ({1, 2} & set(d.inspectors) and d.entity == 100)
            assert not (3 in d.inspectors and d.entity == 101)
            seen.update(d.inspectors)
    assert set(seen) == {1, 2, 3, 4, 5}  # everyone is drawn somewhere: the pool is really used


def test_a_draw_that_cannot_honour_the_conflicts_is_refused():
    with pytest.raises(ValidationError) as error:
        draw(
            seed=SEED,
            population=[100],
            count=1,
            pool=[1, 2, 3],
            per_check=2,
            conflicts=[(1, 100), (2, 100)],
            employer_of={100: 100},
        )
    assert error.value.code == "conflicts"


@pytest.mark.parametrize(("pool", "per_check", "code"), [([1], 2, "pool_small"), ([1, 2, 3], 1, "per_check")])
def test_fewer_than_two_inspectors_is_refused(pool, per_check, code):
    with pytest.raises(ValidationError) as error:
        draw(seed=SEED, population=[1, 2], count=1, pool=pool, per_check=per_check)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("population", "size", "percent", "expected"),
    [
        (0, 5, None, 0),
        (10, 5, None, 5),
        (3, 5, None, 3),
        (10, None, 25, 3),
        (200, None, 5, 10),
        (7, None, 1, 1),
    ],
)
def test_sample_count(population, size, percent, expected):
    assert sample_count(population, size=size, percent=percent) == expected


# --- a plan drawn in the database --------------------------------------------------------------------


@pytest.fixture
def inspectors(db):
    return [UserFactory(username=f"insp{n}", role=Role.INSPECTOR) for n in range(4)]


def _employers_with_certificates(n):
    employers = []
    for _ in range(n):
        certificate = RegistrationCertificateFactory()
        employers.append(certificate.employer)
    return employers


def _plan(bureau_user, inspectors, **fields):
    values = {
        "title": "2026年第四季度企业用证抽查",
        "kind": PlanKind.EMPLOYERS,
        "period_start": dt.date(2026, 10, 1),
        "period_end": dt.date(2026, 12, 31),
        "sample_size": 3,
        "inspectors_per_check": 2,
    }
    values.update(fields)
    return plan_create(by=bureau_user, inspectors=inspectors, **values)


def test_plan_draw_stores_its_inputs_and_repeats_exactly(bureau_user, inspectors):
    employers = _employers_with_certificates(6)
    EmployerFactory()  # holds no certificate: not in the population
    conflict_declare(inspector=inspectors[0], employer=employers[0], note="曾在该企业任职", by=inspectors[0])
    plan = _plan(bureau_user, inspectors)

    checks = plan_draw(plan=plan, by=bureau_user, seed=SEED)

    plan.refresh_from_db()
    assert plan.state == PlanState.DRAWN
    assert plan.seed == SEED
    assert plan.population == sorted([[e.pk, e.pk] for e in employers])
    assert plan.pool == sorted(u.pk for u in inspectors)
    assert plan.conflicts == [[inspectors[0].pk, employers[0].pk]]
    assert len(checks) == 3
    for check in Check.objects.filter(plan=plan).prefetch_related("inspectors"):
        drawn = {u.pk for u in check.inspectors.all()}
        assert len(drawn) == 2
        assert drawn <= set(plan.pool)
        if check.employer_id == employers[0].pk:
            assert inspectors[0].pk not in drawn
    repeated, stored = plan_draw_again(plan)
    assert repeated == stored
    event = AuditEvent.objects.get(action=Action.SUPERVISION_DRAWN)
    assert event.detail["seed"] == SEED
    assert event.detail["drawn"] == 3


def test_a_conflict_declared_after_the_draw_does_not_change_its_repetition(bureau_user, inspectors):
    employers = _employers_with_certificates(4)
    plan = _plan(bureau_user, inspectors)
    plan_draw(plan=plan, by=bureau_user, seed=SEED)
    for employer in employers:
        conflict_declare(inspector=inspectors[1], employer=employer, note="亲属", by=bureau_user)
    plan.refresh_from_db()
    repeated, stored = plan_draw_again(plan)
    assert repeated == stored


def test_the_command_repeats_a_stored_draw_and_detects_tampering(bureau_user, inspectors):
    _employers_with_certificates(5)
    plan = _plan(bureau_user, inspectors)
    plan_draw(plan=plan, by=bureau_user, seed=SEED)
    out = io.StringIO()
    call_command("supervision_draw_again", plan.pk, stdout=out)
    assert "一致" in out.getvalue() or "repeats exactly" in out.getvalue()

    check = plan.checks.order_by("position").first()
    outsider = UserFactory(username="outsider", role=Role.INSPECTOR)
    check.inspectors.add(outsider)  # a hand-edited assignment
    with pytest.raises(SystemExit) as exit_:
        call_command("supervision_draw_again", plan.pk, stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_.value.code == 1


def test_a_failed_draw_saves_nothing(bureau_user, inspectors):
    employers = _employers_with_certificates(1)
    plan = _plan(bureau_user, inspectors[:2])
    conflict_declare(inspector=inspectors[0], employer=employers[0], note="曾在该企业任职", by=bureau_user)
    with pytest.raises(ValidationError):
        plan_draw(plan=plan, by=bureau_user)
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert plan.seed == ""
    assert plan.population == []
    assert not Check.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.SUPERVISION_DRAWN).exists()


def test_a_plan_is_drawn_once(bureau_user, inspectors):
    _employers_with_certificates(3)
    plan = _plan(bureau_user, inspectors)
    plan_draw(plan=plan, by=bureau_user)
    with pytest.raises(ValidationError) as error:
        plan_draw(plan=plan, by=bureau_user)
    assert error.value.code == "drawn"
    assert Check.objects.count() == 3


def test_the_population_follows_the_prefecture_and_the_certificates_in_force(bureau_user, inspectors):
    harbin = _employers_with_certificates(2)
    daqing = RegistrationCertificateFactory(application__employer__prefecture="daqing").employer
    ended = RegistrationCertificateFactory(state="revoked").employer
    plan = _plan(
        bureau_user, inspectors, prefecture=harbin[0].prefecture, sample_percent=100, sample_size=None
    )
    plan_draw(plan=plan, by=bureau_user)
    drawn = set(plan.checks.values_list("employer_id", flat=True))
    assert drawn == {e.pk for e in harbin}
    assert daqing.pk not in drawn
    assert ended.pk not in drawn


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"sample_size": 3, "sample_percent": 10}, "size"),
        ({"sample_size": None}, "size"),
        ({"period_end": dt.date(2026, 9, 1)}, "period"),
        ({"kind": PlanKind.APPLICATIONS, "prefecture": "harbin"}, "prefecture"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_saved(bureau_user, inspectors, fields, code):
    with pytest.raises(ValidationError) as error:
        _plan(bureau_user, inspectors, **fields)
    assert error.value.code == code
    assert not Plan.objects.exists()


def test_a_pool_smaller_than_the_inspectors_per_check_is_refused(bureau_user, inspectors):
    with pytest.raises(ValidationError) as error:
        _plan(bureau_user, inspectors[:1])
    assert error.value.code == "pool_small"
    assert not InspectorConflict.objects.exists()
    assert not Plan.objects.exists()
