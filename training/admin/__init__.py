"""The association's back office for continuing education, one module per model (and the compliance list)."""

from . import activity, participation  # noqa: F401
