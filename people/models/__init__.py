"""Employers and people: who applies, for whom, with which national qualification. Shared by every app
above this one (exams, registry, training, supervision)."""

from .choices import Level, Prefecture
from .employer import Employer, EmployerNameChange
from .person import Person, QualificationCertificate

__all__ = ["Employer", "EmployerNameChange", "Level", "Person", "Prefecture", "QualificationCertificate"]
