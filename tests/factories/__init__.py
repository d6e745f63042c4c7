"""factory_boy factories, one module per app; import them from here."""

from .accounts import UserFactory
from .registry import (
    EmployerFactory,
    PersonFactory,
    QualificationCertificateFactory,
    valid_resident_id,
    valid_uscc,
)

__all__ = [
    "EmployerFactory",
    "PersonFactory",
    "QualificationCertificateFactory",
    "UserFactory",
    "valid_resident_id",
    "valid_uscc",
]
