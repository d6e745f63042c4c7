"""The request and response bodies of the exchange API (pydantic, via django-ninja): the OpenAPI schema is
generated from these, so what the schema promises and what the code answers cannot drift apart."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

Code = Annotated[str, StringConstraints(min_length=1, max_length=20)]


class ProjectOut(Schema):
    code: str
    name: str


class ElicenceOut(Schema):
    """GB/T 36903's core metadata of the certificate as an electronic licence (registry/elicence.py).
    The holder's name and ID number are masked."""

    identifier: str
    licence_name: str
    type_code: str
    number: str
    issuer: str
    issuer_code: str
    holder_name: str
    holder_id_type: str
    holder_id_number_masked: str
    level: int
    projects: list[str]
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date


class CertificateOut(Schema):
    """A registration certificate as a verifier may see it: never the full name or resident ID number."""

    number: str
    state: str = Field(description="valid, lapsed, revoked, … (a stable slug)")
    state_label: str = Field(description="The state in Chinese")
    lapse_reason_label: str
    renewal_pending: bool = Field(
        description="Past its printed end, but a renewal applied for in time is pending"
    )
    not_yet_valid: bool
    level: int
    level_label: str
    holder_name_masked: str
    holder_id_number_masked: str
    employer: str = Field(description="The employer as printed on the certificate")
    projects: list[ProjectOut]
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date
    ended_on: dt.date | None
    elicence: ElicenceOut


class RecognitionIn(Schema):
    """One certificate a partner submits for recognition. Staff review it; it counts only once accepted."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(
        min_length=1, max_length=64, description="The partner's own id; unique per partner"
    )
    kind: Literal["registration", "assessment", "verifier"]
    holder_name: str = Field(min_length=1, max_length=50)
    holder_id_number: str = Field(min_length=1, max_length=30, description="Resident ID number (GB 11643)")
    number: str = Field(min_length=1, max_length=60, description="The certificate's number as printed")
    issuing_authority: str = Field(min_length=1, max_length=200)
    region: Literal["shanghai", "jiangsu", "zhejiang", "anhui"]
    issued_on: dt.date
    valid_until: dt.date | None = None
    projects: list[Code] = Field(min_length=1, max_length=50, description="Metrology project codes")


class RecognitionOut(Schema):
    id: int
    reference: str
    kind: str
    state: str = Field(description="pending, accepted or rejected")
    state_label: str
    holder_name: str
    holder_id_number_masked: str
    number: str
    region: str
    issued_on: dt.date
    valid_until: dt.date | None
    projects: list[str]
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    reason: str = Field(description="Why it was rejected (Chinese); empty otherwise")
