"""factory_boy factories, one module per app; import them from here."""

from .accounts import UserFactory
from .exams import (
    AssessmentCertificateFactory,
    AssessmentResultFactory,
    AssessmentSessionFactory,
    MetrologyProjectFactory,
    RecognisedCertificateFactory,
    VerifierCertificateFactory,
)
from .registry import (
    EmployerFactory,
    PersonFactory,
    QualificationCertificateFactory,
    valid_resident_id,
    valid_uscc,
)

__all__ = [
    "AssessmentCertificateFactory",
    "AssessmentResultFactory",
    "AssessmentSessionFactory",
    "EmployerFactory",
    "MetrologyProjectFactory",
    "PersonFactory",
    "QualificationCertificateFactory",
    "RecognisedCertificateFactory",
    "UserFactory",
    "VerifierCertificateFactory",
    "valid_resident_id",
    "valid_uscc",
]
