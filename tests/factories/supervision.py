"""Supervision rows for tests of what reads them (admin pages, panels): made directly, as the draw and
the inspectors' services would leave them. Tests of the services themselves call the services."""

import datetime as dt

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.roles import Role
from supervision.models import (
    Check,
    CheckResult,
    CheckState,
    Evidence,
    Finding,
    InspectorConflict,
    Measure,
    MeasureKind,
    Plan,
    PlanKind,
    PlanState,
)
from supervision.models.checks import EmployerItem

from .accounts import UserFactory
from .registry import EmployerFactory


def _today() -> dt.date:
    return timezone.localdate()


class PlanFactory(factory.django.DjangoModelFactory):
    """A drawn plan of employers (its stored draw inputs left empty)."""

    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"注册证使用情况抽查{n}")
    kind = PlanKind.EMPLOYERS
    period_start = factory.LazyFunction(lambda: _today().replace(month=1, day=1))
    period_end = factory.LazyFunction(_today)
    sample_percent = 10
    state = PlanState.DRAWN
    created_by = factory.SubFactory(UserFactory, role=Role.BUREAU)


class CheckFactory(factory.django.DjangoModelFactory):
    """A check of an employer; `CheckFactory(inspectors=[a, b])` assigns them (two made otherwise)."""

    class Meta:
        model = Check
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    employer = factory.SubFactory(EmployerFactory)

    class Params:
        completed = factory.Trait(
            state=CheckState.COMPLETED,
            checked_on=factory.LazyFunction(_today),
            result=CheckResult.PROBLEMS,
            completed_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def inspectors(self, create, extracted, **kwargs):
        if not create:
            return
        users = extracted or [UserFactory(role=Role.INSPECTOR), UserFactory(role=Role.INSPECTOR)]
        self.inspectors.set(users)


class FindingFactory(factory.django.DjangoModelFactory):
    """A problem found (挂靠) on the check's employer."""

    class Meta:
        model = Finding

    check_row = factory.SubFactory(CheckFactory)
    item = EmployerItem.AFFILIATION
    found = True
    note = factory.Sequence(lambda n: f"注册证挂靠，实际未在本单位执业（{n}）")
    recorded_by = factory.SubFactory(UserFactory, role=Role.INSPECTOR)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    check_row = factory.SubFactory(CheckFactory)
    item = EmployerItem.AFFILIATION
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 demo evidence", name="photo.pdf"))
    original_name = "现场照片.pdf"
    uploaded_by = factory.SubFactory(UserFactory, role=Role.INSPECTOR)


class MeasureFactory(factory.django.DjangoModelFactory):
    """A rectification order; `MeasureFactory(revocation=True, certificate=c)` an ordered revocation."""

    class Meta:
        model = Measure

    check_row = factory.SubFactory(CheckFactory)
    kind = MeasureKind.RECTIFICATION
    description = "限期整改，配备实际在岗的注册计量师。"
    due_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=30))
    created_by = factory.SubFactory(UserFactory, role=Role.INSPECTOR)

    class Params:
        revocation = factory.Trait(kind=MeasureKind.REVOCATION, due_on=None)
        suspension = factory.Trait(kind=MeasureKind.SUSPENSION, due_on=None)


class InspectorConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorConflict

    inspector = factory.SubFactory(UserFactory, role=Role.INSPECTOR)
    employer = factory.SubFactory(EmployerFactory)
    note = "曾在该公司任职"
