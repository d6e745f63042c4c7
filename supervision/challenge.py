"""A small challenge against bots on the public feedback form, without a third-party service:

- a honeypot field people do not see (hidden by CSS) and bots fill in;
- a sum of two small numbers, whose answer travels signed (django.core.signing, with the form's salt) in a
  hidden field together with the time the form was shown. An answer is refused when the signature is
  wrong, when the form was shown more than MAX_AGE ago, or less than MIN_SECONDS ago (no person reads and
  writes that fast).

It only raises the cost of a bot; the rate limit per client address (REGISTRY_FEEDBACK_RATE) caps the rest.
"""

import secrets
import time
import unicodedata
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SALT = "supervision.feedback.challenge"
MAX_AGE = 3600
MIN_SECONDS = 3


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def challenge_new() -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a + b, "t": int(time.time()), "n": secrets.token_hex(4)}, salt=SALT)
    return Challenge(question=f"{a} + {b} = ?", token=token)


def challenge_check(*, token: str, answer: str) -> None:
    """Raise a ValidationError (in Chinese) unless `answer` answers the challenge `token` in time."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("The form was open for more than an hour. Answer the new question and send it again."),
            code="expired",
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            _("The form was damaged. Answer the new question and send it again."), code="bad"
        ) from None
    if time.time() - data["t"] < MIN_SECONDS:
        raise ValidationError(
            _("The form was sent too quickly. Wait a moment and send it again."), code="fast"
        )
    typed = unicodedata.normalize("NFKC", answer or "").strip()
    if not (typed.isascii() and typed.isdigit() and int(typed) == data["a"]):
        raise ValidationError(_("The answer to the question is wrong."), code="wrong")
