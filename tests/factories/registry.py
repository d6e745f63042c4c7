import datetime as dt
import random

import factory

from registry.models import Employer, Level, Person, Prefecture, QualificationCertificate
from registry.validators import resident_id_check_character, uscc_check_character

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
    class Meta:
        model = Person
        django_get_or_create = ("id_number",)

    name = factory.Sequence(lambda n: f"张{'伟芳娜敏静丽强磊军洋'[n % 10]}{n}")
    id_number = factory.Sequence(
        lambda n: valid_resident_id(birth=dt.date(1970, 1, 1) + dt.timedelta(days=n), serial=n % 1000)
    )
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class QualificationCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationCertificate

    person = factory.SubFactory(PersonFactory)
    level = Level.TWO
    number = factory.Sequence(lambda n: f"ZJ{n:08d}")
    issued_on = dt.date(2020, 6, 1)
    issuer = "人力资源社会保障部"
