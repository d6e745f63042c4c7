"""Assessment models, one module per aggregate."""

from .assessment import AssessmentResult, AssessmentSession, ScoreField
from .catalogue import MetrologyCategory, MetrologyProject
from .certificates import (
    AssessmentCertificate,
    CertificateNumberCounter,
    RecognisedCertificate,
    VerifierCertificate,
)

__all__ = [
    "AssessmentCertificate",
    "AssessmentResult",
    "AssessmentSession",
    "CertificateNumberCounter",
    "MetrologyCategory",
    "MetrologyProject",
    "RecognisedCertificate",
    "ScoreField",
    "VerifierCertificate",
]
