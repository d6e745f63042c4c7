"""Registry models, one module per aggregate."""

from .choices import Level, Prefecture
from .employer import Employer, EmployerNameChange
from .notification import NotificationLog
from .person import Person, QualificationCertificate

__all__ = [
    "Employer",
    "EmployerNameChange",
    "Level",
    "NotificationLog",
    "Person",
    "Prefecture",
    "QualificationCertificate",
]
