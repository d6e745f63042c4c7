"""The exchange API's back office (association staff; accounts/roles.py): one module per model."""

from . import access_log, api_key, inbound, partner  # noqa: F401  (registers the admins)
