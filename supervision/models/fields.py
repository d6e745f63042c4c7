"""The one shape of "who did it" on supervision's rows: an optional user, kept when the account is
deactivated (PROTECT), set only by the services (not editable in forms), with no reverse accessor."""

from django.conf import settings
from django.db import models


def acted_by(verbose_name, *, editable: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=editable,
        related_name="+",
    )
