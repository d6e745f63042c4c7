"""Feedback (意见建议): submitted in the portal or on the public form, answered and closed by the
association. Every change writes an audit event (Action.SUPERVISION_FEEDBACK); the contact given is never
written to the audit detail."""

import re
import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.models import Action
from audit.services import audit_log
from common import text
from supervision.models import Feedback, FeedbackOrigin, FeedbackState, FeedbackTopic
from supervision.models.feedback import new_tracking_code

S = FeedbackState
MAX_MESSAGE = 2000
_PHONE = re.compile(r"\+?[0-9]{7,15}")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")


def normalized_contact(value: str) -> str:
    """A phone number or an e-mail address as typed with any input method (full-width digits, "＠",
    spaces and hyphens in a number) in one form: NFKC, then a number without separators."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value:
        return ""
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                {"contact": _("Enter a mobile or telephone number, or an e-mail address.")}, code="contact"
            ) from None
        return value.lower()
    number = _PHONE_SEPARATORS.sub("", value)
    if not _PHONE.fullmatch(number):
        raise ValidationError(
            {"contact": _("Enter a mobile or telephone number, or an e-mail address.")}, code="contact"
        )
    return number


def _checked(field: str, value: str, validator: Callable[[str], None]) -> str:
    value = (value or "").strip()
    try:
        validator(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return value


def _may_answer(by: User) -> None:
    if not (by.is_superuser or by.has_role(Role.ASSOCIATION)):
        raise ValidationError(_("Only association staff answer feedback."), code="role")


@transaction.atomic
def feedback_submit(
    *, topic: str, message: str, by: User | None = None, name: str = "", contact: str = ""
) -> Feedback:
    """Feedback from a portal user `by` (for their employer), or from the public without `by`: a public
    submitter gets a tracking code to read the answer with, and may leave a name and a contact."""
    if topic not in FeedbackTopic.values:
        raise ValidationError({"topic": _("Choose the topic.")}, code="topic")
    message = _checked("message", message, text.multi_line_from_enterprise)
    if not message:
        raise ValidationError({"message": _("Write your opinion or suggestion.")}, code="message")
    if len(message) > MAX_MESSAGE:
        raise ValidationError(
            {"message": _("Keep it under %(max)d characters.") % {"max": MAX_MESSAGE}}, code="long"
        )
    if by is not None:
        if by.employer_id is None:
            raise ValidationError(
                _("Only an enterprise's clerk sends feedback from the portal."), code="role"
            )
        feedback = Feedback.objects.create(
            origin=FeedbackOrigin.PORTAL,
            employer_id=by.employer_id,
            submitted_by=by,
            topic=topic,
            message=message,
        )
    else:
        feedback = Feedback.objects.create(
            origin=FeedbackOrigin.PUBLIC,
            name=_checked("name", name, text.single_line)[:100],
            contact=normalized_contact(contact),
            topic=topic,
            message=message,
            tracking_code=new_tracking_code(),
        )
    audit_log(
        action=Action.SUPERVISION_FEEDBACK,
        actor=by,
        actor_label=None if by else "public",
        target=feedback,
        detail={"submitted": feedback.origin, "topic": topic},
    )
    return feedback


@transaction.atomic
def feedback_answer(*, feedback: Feedback, by: User, answer: str) -> Feedback:
    """The association's answer, which the submitter reads; an answer may be corrected until closed."""
    _may_answer(by)
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.state == S.CLOSED:
        raise ValidationError(_("This feedback is closed."), code="closed")
    answer = _checked("answer", answer, text.multi_line)
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")}, code="answer")
    again = locked.state == S.ANSWERED
    locked.answer = answer
    locked.state = S.ANSWERED
    locked.answered_at = timezone.now()
    locked.answered_by = by
    locked.save()
    audit_log(
        action=Action.SUPERVISION_FEEDBACK, actor=by, target=locked, detail={"answered": True, "again": again}
    )
    return locked


@transaction.atomic
def feedback_close(*, feedback: Feedback, by: User) -> Feedback:
    """Close answered feedback, or feedback that needs no answer (spam, a duplicate)."""
    _may_answer(by)
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.state == S.CLOSED:
        raise ValidationError(_("This feedback is closed already."), code="closed")
    locked.state = S.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save()
    audit_log(action=Action.SUPERVISION_FEEDBACK, actor=by, target=locked, detail={"closed": True})
    return locked
