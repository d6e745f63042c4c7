"""Factories of the exchange API: partners, keys (with their secret at hand), submissions."""

import datetime as dt
import secrets

import factory
from django.utils import timezone

from accounts.roles import Role
from exchange.keys import api_key_hash, api_key_new
from exchange.models import ApiKey, InboundCertificate, Partner, Scope

from .accounts import UserFactory
from .registry import valid_resident_id

ALL_SCOPES = [scope.value for scope in Scope]


class PartnerFactory(factory.django.DjangoModelFactory):
    """A partner region with every scope; `PartnerFactory(scopes=[...])` narrows them."""

    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"上海市计量注册平台{n}")
    kind = Partner.Kind.REGION
    region = "shanghai"
    contact = "张工 021-00000000"
    scopes = factory.LazyFunction(lambda: list(ALL_SCOPES))


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """A usable key whose secret nobody knows; `issued_key()` gives one with its secret."""

    class Meta:
        model = ApiKey

    partner = factory.SubFactory(PartnerFactory)
    label = "测试"
    prefix = factory.LazyFunction(lambda: secrets.token_hex(6))
    secret_hash = factory.LazyFunction(lambda: api_key_hash(api_key_new()[1]))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=365))
    created_by = factory.SubFactory(UserFactory, role=Role.ASSOCIATION)


def issued_key(**kwargs) -> tuple[ApiKey, str]:
    """A key and the secret a partner would hold (`Authorization: Bearer <secret>`)."""
    key_id, secret = api_key_new()
    return ApiKeyFactory(prefix=key_id, secret_hash=api_key_hash(secret), **kwargs), secret


class InboundCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboundCertificate

    partner = factory.SubFactory(PartnerFactory)
    reference = factory.Sequence(lambda n: f"SH-{n:06d}")
    kind = InboundCertificate.Kind.ASSESSMENT
    holder_name = "李明"
    holder_id_number = factory.Sequence(
        lambda n: valid_resident_id(birth=dt.date(1980, 1, 1), serial=n % 1000)
    )
    number = factory.Sequence(lambda n: f"SHKH-2024-{n:05d}")
    issuing_authority = "上海市市场监督管理局"
    region = "shanghai"
    issued_on = dt.date(2024, 5, 1)
    projects = factory.LazyFunction(list)
    content_digest = "x"
