"""Admin for the registry, one module per model group; importing them registers them."""

from . import calendar, employer, notification, person  # noqa: F401
