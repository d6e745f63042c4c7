"""Registry models, one module per aggregate."""

from .application import Application
from .audit import AuditEntry
from .batch import Batch
from .certificate import CertificateCounter, RegistrationCertificate
from .choices import Level, Prefecture
from .employer import Employer, EmployerNameChange
from .material import Material
from .person import Person, QualificationCertificate

__all__ = [
    "Application",
    "AuditEntry",
    "Batch",
    "CertificateCounter",
    "Employer",
    "EmployerNameChange",
    "Level",
    "Material",
    "Person",
    "Prefecture",
    "QualificationCertificate",
    "RegistrationCertificate",
]
