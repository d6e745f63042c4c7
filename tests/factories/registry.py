import datetime as dt
import random

import factory
from django.utils import timezone

from people.models import Employer, Level, Person, Prefecture, QualificationCertificate
from people.validators import resident_id_check_character, uscc_check_character
from registry import deadlines
from registry.models import Application, Batch, RegistrationCertificate
from registry.models.certificate import certificate_number, validity_end
from registry.workflow import ApplicationKind, ApplicationState

_rng = random.Random(20261123)


def valid_resident_id(
    *, birth: dt.date | None = None, region: str = "230102", serial: int | None = None
) -> str:
    """A resident ID number with a correct check character (fictional: the serial is random)."""
    birth = birth or dt.date(1980, 1, 1) + dt.timedelta(days=_rng.randrange(0, 365 * 25))
    serial = _rng.randrange(0, 1000) if serial is None else serial
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + resident_id_check_character(first17)


def valid_uscc(n: int | None = None) -> str:
    """A unified social credit code with a correct check character, unique per `n`."""
    n = _rng.randrange(0, 10**9) if n is None else n
    first17 = f"91230100{n:09d}"
    return first17 + uscc_check_character(first17)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer
        django_get_or_create = ("uscc",)

    name = factory.Sequence(lambda n: f"哈尔滨测试仪器有限公司{n}")
    uscc = factory.Sequence(lambda n: valid_uscc(n))
    prefecture = Prefecture.HARBIN
    address = "哈尔滨市南岗区学府路1号"
    contact_name = "王会计"
    contact_phone = "0451-86000000"
    status = Employer.Status.ACTIVE

    class Params:
        pending = factory.Trait(status=Employer.Status.PENDING)
        suspended = factory.Trait(status=Employer.Status.SUSPENDED)
        verification_institution = factory.Trait(is_authorised_verification_institution=True)


class PersonFactory(factory.django.DjangoModelFactory):
    """A person; one already on record with the same resident ID number is returned instead (get or create,
    through the blind index: the number itself is encrypted and cannot be filtered on)."""

    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"张{'伟芳娜敏静丽强磊军洋'[n % 10]}{n}")
    id_number = factory.Sequence(
        lambda n: valid_resident_id(birth=dt.date(1970, 1, 1) + dt.timedelta(days=n), serial=n % 1000)
    )
    phone = factory.Sequence(lambda n: f"139{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        existing = model_class.objects.with_id_number(kwargs["id_number"]).first()
        return existing or super()._create(model_class, *args, **kwargs)


class QualificationCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationCertificate

    person = factory.SubFactory(PersonFactory)
    level = Level.TWO
    number = factory.Sequence(lambda n: f"ZJ{n:08d}")
    issued_on = dt.date(2020, 6, 1)
    issuer = "人力资源社会保障部"


def _today() -> dt.date:
    return timezone.localdate()


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    employer = factory.SubFactory(EmployerFactory)
    title = factory.Sequence(lambda n: f"2026年第{n}批注册申请")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """`ApplicationFactory(accepted=True)`: an application as if it had gone through the workflow to
    that state today (dates and stored deadlines set the way the transitions set them)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    kind = ApplicationKind.INITIAL
    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    level = Level.TWO
    state = ApplicationState.DRAFT

    class Params:
        submitted = factory.Trait(
            state=ApplicationState.SUBMITTED,
            received_on=factory.LazyFunction(_today),
            acceptance_due_on=factory.LazyAttribute(lambda o: deadlines.acceptance_due(o.received_on)),
            current_due_on=factory.SelfAttribute("acceptance_due_on"),
        )
        corrections_requested = factory.Trait(
            state=ApplicationState.CORRECTIONS_REQUESTED,
            received_on=factory.LazyFunction(_today),
            corrections_requested_on=factory.LazyFunction(_today),
            correction_items=factory.LazyFunction(lambda: ["photo"]),
            correction_note="照片不清晰",
        )
        accepted = factory.Trait(
            state=ApplicationState.ACCEPTED,
            received_on=factory.LazyFunction(_today),
            accepted_on=factory.LazyFunction(_today),
            approval_due_on=factory.LazyAttribute(lambda o: deadlines.approval_due(o.received_on)),
            current_due_on=factory.SelfAttribute("approval_due_on"),
        )
        approved = factory.Trait(
            state=ApplicationState.APPROVED,
            received_on=factory.LazyFunction(_today),
            accepted_on=factory.LazyFunction(_today),
            approved_on=factory.LazyFunction(_today),
            issuance_due_on=factory.LazyAttribute(lambda o: deadlines.issuance_due(o.approved_on)),
            current_due_on=factory.SelfAttribute("issuance_due_on"),
        )
        issued = factory.Trait(
            state=ApplicationState.ISSUED,
            received_on=factory.LazyFunction(_today),
            accepted_on=factory.LazyFunction(_today),
            approved_on=factory.LazyFunction(_today),
            issued_on=factory.LazyFunction(_today),
            closed_on=factory.LazyFunction(_today),
        )
        not_accepted = factory.Trait(
            state=ApplicationState.NOT_ACCEPTED,
            received_on=factory.LazyFunction(_today),
            decision_reason="材料不符合要求",
            closed_on=factory.LazyFunction(_today),
        )
        denied = factory.Trait(
            state=ApplicationState.DENIED,
            received_on=factory.LazyFunction(_today),
            accepted_on=factory.LazyFunction(_today),
            decision_reason="不符合注册条件",
            closed_on=factory.LazyFunction(_today),
        )
        withdrawn = factory.Trait(state=ApplicationState.WITHDRAWN, closed_on=factory.LazyFunction(_today))

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)


class RegistrationCertificateFactory(factory.django.DjangoModelFactory):
    """A valid certificate issued today from an issued initial application (numbers far above the
    counter's, so they never collide with numbers the service draws)."""

    class Meta:
        model = RegistrationCertificate
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, issued=True)
    person = factory.SelfAttribute("application.person")
    employer = factory.SelfAttribute("application.employer")
    employer_name = factory.LazyAttribute(lambda o: o.employer.name)
    level = factory.SelfAttribute("application.level")
    issued_on = factory.LazyFunction(_today)
    valid_from = factory.SelfAttribute("issued_on")
    valid_until = factory.LazyAttribute(lambda o: validity_end(o.valid_from))
    year = factory.LazyAttribute(lambda o: o.issued_on.year)
    sequence = factory.Sequence(lambda n: 90000 + n)
    number = factory.LazyAttribute(
        lambda o: certificate_number(year=o.year, level=o.level, sequence=o.sequence)
    )

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)
