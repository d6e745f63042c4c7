"""factory_boy factories, one module per app; import them from here."""

from .accounts import UserFactory
from .registry import (
    ApplicationFactory,
    BatchFactory,
    EmployerFactory,
    PersonFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
    valid_resident_id,
    valid_uscc,
)

__all__ = [
    "ApplicationFactory",
    "BatchFactory",
    "EmployerFactory",
    "PersonFactory",
    "QualificationCertificateFactory",
    "RegistrationCertificateFactory",
    "UserFactory",
    "valid_resident_id",
    "valid_uscc",
]
