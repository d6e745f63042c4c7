"""Assessment models, one module per aggregate."""

from .assessment import AssessmentResult, AssessmentSession, ScoreField
from .catalogue import MetrologyCategory, MetrologyProject
from .certificates import (
    AssessmentCertificate,
    CertificateNumberCounter,
    RecognisedCertificate,
    VerifierCertificate,
)
from .changes import AssessmentCertificateChange, AssessmentChangeCounter, AssessmentChangeKind

__all__ = [
    "AssessmentCertificate",
    "AssessmentCertificateChange",
    "AssessmentChangeCounter",
    "AssessmentChangeKind",
    "AssessmentResult",
    "AssessmentSession",
    "CertificateNumberCounter",
    "MetrologyCategory",
    "MetrologyProject",
    "RecognisedCertificate",
    "ScoreField",
    "VerifierCertificate",
]
