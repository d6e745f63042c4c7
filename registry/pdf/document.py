"""What a certificate PDF prints: a plain, frozen value, built by the caller from its models.

The renderer never queries the database, so it runs the same in a request, a Celery worker, a management
command or a test, and a regenerated PDF prints exactly what its document says.
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

ISSUING_BODY = "黑龙江省计量协会"


class PrintedState(StrEnum):
    """The certificate's state as printed. The values are the certificate model's state slugs."""

    VALID = "valid"
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"
    REVOKED = "revoked"
    EXPIRED = "expired"
    LAPSED = "lapsed"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class PrintedProject:
    """A registered metrology project (计量专业项目) as printed: its code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class CertificateDocument:
    """Everything a 企业注册计量师注册证 prints.

    `id_number` is the holder's resident ID number as printed: masked (registry.services.certificate_pdfs),
    since the PDF is downloaded, mailed and printed. Never log a CertificateDocument all the same (its repr
    hides the number).
    `state_changed_on` is the day a non-valid certificate stopped being valid (superseded, cancelled or
    revoked); for an expired one it may be left None, the day after `valid_until` is printed.
    """

    number: str
    level: int
    holder_name: str
    id_number: str = field(repr=False)
    employer_name: str
    projects: tuple[PrintedProject, ...]
    valid_from: dt.date
    valid_until: dt.date
    issued_on: dt.date
    verification_url: str
    photo: bytes | None = field(default=None, repr=False)
    state: PrintedState = PrintedState.VALID
    state_changed_on: dt.date | None = None
    issuing_body: str = ISSUING_BODY

    def __post_init__(self) -> None:
        if self.level not in (1, 2):
            raise ValueError(f"a registration certificate is level 1 or 2, not {self.level!r}")
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        # Accept a list for convenience, keep the value immutable.
        object.__setattr__(self, "projects", tuple(self.projects))
        object.__setattr__(self, "state", PrintedState(self.state))

    @property
    def ceased_on(self) -> dt.date | None:
        """The day the certificate stopped being valid, or None while it is valid."""
        if self.state == PrintedState.VALID:
            return None
        if self.state_changed_on is not None:
            return self.state_changed_on
        if self.state == PrintedState.EXPIRED:
            return self.valid_until + dt.timedelta(days=1)
        return None
