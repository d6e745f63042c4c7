"""Admin for the registry, one module per model group; importing them registers them."""

from . import application, certificate, notification, person  # noqa: F401
