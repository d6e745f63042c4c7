"""Admin of the assessments for the training centre, one module per model group."""

from . import assessment, catalogue, certificates  # noqa: F401
