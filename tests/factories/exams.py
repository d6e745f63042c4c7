import datetime as dt
from decimal import Decimal

import factory

from exams import rules
from exams.models import (
    AssessmentCertificate,
    AssessmentResult,
    AssessmentSession,
    MetrologyCategory,
    MetrologyProject,
    RecognisedCertificate,
    VerifierCertificate,
)

from .accounts import UserFactory
from .registry import PersonFactory


class MetrologyProjectFactory(factory.django.DjangoModelFactory):
    """A project in the seeded category 12 (力学), with codes above the seeded ones."""

    class Meta:
        model = MetrologyProject
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"12.{100 + n}")
    name = factory.Sequence(lambda n: f"测试压力仪表{n}")
    # get_or_create: transactional tests flush the categories the migration seeded.
    category = factory.LazyFunction(
        lambda: MetrologyCategory.objects.get_or_create(code="12", defaults={"name": "力学"})[0]
    )
    is_active = True


class AssessmentSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentSession
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"2026年第{n + 1}期计量专业项目考核")
    held_on = dt.date(2026, 5, 20)
    place = "哈尔滨市香坊区红旗大街"

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)


class AssessmentResultFactory(factory.django.DjangoModelFactory):
    """`passed` follows the rule, as every real write path does; traits give a pass or a fail."""

    class Meta:
        model = AssessmentResult

    session = factory.SubFactory(AssessmentSessionFactory)
    person = factory.SubFactory(PersonFactory)
    project = factory.SubFactory(MetrologyProjectFactory)
    skill_score = Decimal("85.0")
    knowledge_score = Decimal("75.5")
    passed = factory.LazyAttribute(lambda r: rules.passed(r.skill_score, r.knowledge_score))

    class Params:
        failed = factory.Trait(skill_score=Decimal("65.0"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        result = super()._create(model_class, *args, **kwargs)
        result.session.projects.add(result.project)
        return result


class AssessmentCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentCertificate
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    number = factory.Sequence(lambda n: f"HLJKH-2025-{n + 1:06d}")
    issued_on = dt.date(2026, 1, 10)
    issuer = "黑龙江省市场监督管理人才培养发展中心"
    issued_by = factory.SubFactory(UserFactory)

    class Params:
        revoked = factory.Trait(
            revoked_at=factory.LazyFunction(lambda: dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
            revocation_reason="考核材料造假",
        )

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)


class _CheckedCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    issued_on = dt.date(2024, 6, 1)
    original_number = factory.Sequence(lambda n: f"ORIG-{n:06d}")

    class Params:
        checked = factory.Trait(
            checked_by=factory.SubFactory(UserFactory),
            checked_at=factory.LazyFunction(lambda: dt.datetime(2026, 2, 1, tzinfo=dt.UTC)),
        )

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)


class RecognisedCertificateFactory(_CheckedCertificateFactory):
    class Meta:
        model = RecognisedCertificate

    region = RecognisedCertificate.Region.SHANGHAI
    issuing_authority = "上海市计量测试技术研究院"


class VerifierCertificateFactory(_CheckedCertificateFactory):
    class Meta:
        model = VerifierCertificate

    issuing_authority = "哈尔滨市质量技术监督局"
