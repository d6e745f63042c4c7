"""The last line of defence: resident ID and mobile phone numbers never reach an audit row in clear.

Callers name records, not their content; but a label such as a material's file name, or a reason a person
typed, may carry a number anyway. Everything text-like that `audit_log` stores passes through `redact`.
"""

from __future__ import annotations

import re
from typing import Any

# 17 digits and a digit or X (GB 11643), and mainland mobile numbers, not inside a longer word or number.
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])([0-9]{4})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9A-Za-z])")


def redact(text: str) -> str:
    """`text` with every resident ID number masked as 2301**********1234 and mobile as 138****5678."""
    text = _RESIDENT_ID.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def redact_value(value: Any) -> Any:
    """`redact` applied to every string in a JSON-like value (dict keys included)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        return value if redact(text) == text else redact(text)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value
