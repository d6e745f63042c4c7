"""Log records that an operator can follow and that never carry personal data (docs/operations.md, section 6).

Every record gets the id of the request (or task) it belongs to, from a context variable that
`ops.middleware.RequestIdMiddleware` sets for a request and the Celery signals in `ops.signals` carry into
the tasks it enqueues. Every record is redacted before any handler writes it: resident ID numbers and
mainland mobile numbers are masked in the message, its arguments, extra fields and the traceback.

LOG_FORMAT chooses the console format: `json` (one JSON object a line, production's default) or `plain`
(readable lines for `make run`); both carry the request id.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from audit.redact import redact as _redact_ids_and_mobiles
from people.validators import redact_resident_ids

NO_REQUEST = "-"
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "registry_request_id", default=NO_REQUEST
)

# What a trusted proxy may hand us as X-Request-ID: short, and nothing a log reader or a header could
# misread (no spaces, quotes, newlines, control characters).
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def safe_request_id(value: str | None) -> str | None:
    """`value` when it is an acceptable request id, else None."""
    if value and _SAFE_REQUEST_ID.fullmatch(value):
        return value
    return None


def redact(text: str) -> str:
    """Resident ID numbers (people.validators) and mainland mobile numbers masked (audit.redact)."""
    return _redact_ids_and_mobiles(redact_resident_ids(text))


# The attributes every LogRecord has; anything else on a record came from `extra=` and is redacted too.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the current request's or task's id, or "-" outside both."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RedactFilter(logging.Filter):
    """Masks resident ID and mobile numbers in the whole record, before any formatter sees it.

    The message is rendered with its arguments and then redacted (an argument can be any object whose
    text holds a number), the traceback is rendered and redacted into `exc_text`, and everything given
    with `extra=` is redacted (Django's SQL log puts the query's parameters there). Attached to handlers,
    so records propagated from any logger pass through it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call (wrong number of args): keep what was given, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            record.exc_info = None  # the formatter must not render the clear traceback again
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD:
                setattr(record, key, _redacted(value))
        return True


def _redacted(value: Any) -> Any:
    """An `extra=` value with every number masked, as the JSON formatter will write it: strings, numbers
    and containers keep their shape (the SQL log's `params`); any other object becomes its redacted text."""
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int):
        text = str(value)
        return value if redact(text) == text else redact(text)
    if isinstance(value, dict):
        return {_redacted(k): _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redacted(v) for v in value]
    return redact(str(value))


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: time (ISO 8601), level, logger, message, request_id, and any `extra=`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", ["asctime", "levelname", "name", "message", "request_id"])
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", False)
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
