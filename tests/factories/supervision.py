"""Supervision: a drawn plan and its checks, with their inspectors, made directly (the draw itself is
tested through supervision.services.plan_draw)."""

import datetime as dt

import factory

from accounts.roles import Role
from supervision.models import Check, Plan, PlanKind, PlanState

from .accounts import UserFactory
from .registry import EmployerFactory


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan of employer checks, drawn (its checks under way)."""

    class Meta:
        model = Plan
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"2026年第{n}次注册计量师使用情况抽查")
    kind = PlanKind.EMPLOYERS
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 12, 31)
    sample_size = 1
    state = PlanState.DRAWN
    created_by = factory.SubFactory(UserFactory, role=Role.BUREAU)


class CheckFactory(factory.django.DjangoModelFactory):
    """`CheckFactory(inspectors=[a, b])`: a check of an employer (or pass `assessment_result=` or
    `application=` with `employer=None` and a plan of that kind) assigned to those inspectors."""

    class Meta:
        model = Check
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    employer = factory.SubFactory(EmployerFactory)

    @factory.post_generation
    def inspectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.inspectors.set(extracted)
