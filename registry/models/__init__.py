"""Registry models, one module per aggregate: batches, applications, materials, registration certificates,
notifications and the registry's audit trail. Employers and people live in `people`, the working-day
calendar in `workdays`."""

from .application import Application
from .audit import AuditEntry
from .batch import Batch
from .certificate import CertificateCounter, RegistrationCertificate
from .change import CertificateChange, CertificateChangeCounter, CertificateChangeKind
from .decision import DecisionDocument, DecisionKind
from .material import Material
from .notification import NotificationLog

__all__ = [
    "Application",
    "AuditEntry",
    "Batch",
    "CertificateChange",
    "CertificateChangeCounter",
    "CertificateChangeKind",
    "CertificateCounter",
    "DecisionDocument",
    "DecisionKind",
    "Material",
    "NotificationLog",
    "RegistrationCertificate",
]
