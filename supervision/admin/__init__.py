"""The association's back office for supervision, one module per model group (read-only but for
carrying out measures on certificates)."""

from . import checks  # noqa: F401
from . import conflicts  # noqa: F401
