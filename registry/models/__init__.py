"""Registry models, one module per aggregate."""

from .calendar import CalendarChange, CalendarDay, CalendarYear
from .choices import Level, Prefecture
from .employer import Employer, EmployerNameChange
from .notification import NotificationLog
from .person import Person, QualificationCertificate

__all__ = [
    "CalendarChange",
    "CalendarDay",
    "CalendarYear",
    "Employer",
    "EmployerNameChange",
    "Level",
    "NotificationLog",
    "Person",
    "Prefecture",
    "QualificationCertificate",
]
