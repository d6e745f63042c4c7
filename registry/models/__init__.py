"""Registry models, one module per aggregate."""

from .application import Application
from .audit import AuditEntry
from .batch import Batch
from .calendar import CalendarChange, CalendarDay, CalendarYear
from .certificate import CertificateCounter, RegistrationCertificate
from .choices import Level, Prefecture
from .employer import Employer, EmployerNameChange
from .material import Material
from .notification import NotificationLog
from .person import Person, QualificationCertificate

__all__ = [
    "Application",
    "AuditEntry",
    "Batch",
    "CalendarChange",
    "CalendarDay",
    "CalendarYear",
    "CertificateCounter",
    "Employer",
    "EmployerNameChange",
    "Level",
    "Material",
    "NotificationLog",
    "Person",
    "Prefecture",
    "QualificationCertificate",
    "RegistrationCertificate",
]
