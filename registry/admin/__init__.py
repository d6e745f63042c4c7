"""Admin for the registry, one module per model group; importing them registers them."""

from . import application, calendar, certificate, employer, notification, person  # noqa: F401
