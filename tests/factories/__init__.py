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
    ApplicationFactory,
    BatchFactory,
    EmployerFactory,
    PersonFactory,
    QualificationCertificateFactory,
    RegistrationCertificateFactory,
    valid_resident_id,
    valid_uscc,
)
from .supervision import (
    CheckFactory,
    EvidenceFactory,
    FindingFactory,
    InspectorConflictFactory,
    MeasureFactory,
    PlanFactory,
)

__all__ = [
    "ApplicationFactory",
    "AssessmentCertificateFactory",
    "AssessmentResultFactory",
    "AssessmentSessionFactory",
    "BatchFactory",
    "CheckFactory",
    "EmployerFactory",
    "EvidenceFactory",
    "FindingFactory",
    "InspectorConflictFactory",
    "MeasureFactory",
    "MetrologyProjectFactory",
    "PersonFactory",
    "PlanFactory",
    "QualificationCertificateFactory",
    "RecognisedCertificateFactory",
    "RegistrationCertificateFactory",
    "UserFactory",
    "VerifierCertificateFactory",
    "valid_resident_id",
    "valid_uscc",
]
