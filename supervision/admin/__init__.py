"""The association's back office for supervision, one module per model."""

from . import feedback, visits  # noqa: F401
