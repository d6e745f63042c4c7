"""Change feeds for incremental sync: sequence numbers whose order is the order of commits.

A partner syncs by asking for the changes after the last sequence it has seen. With plain auto-increment
ids that loses records: transaction A takes id 100, B takes 101 and commits first, a reader then pages past
101, and 100 appears later *behind* its cursor. Here every change takes its sequence from one counter row
locked with `select_for_update` inside the writing transaction, so the next writer waits until the
previous one has committed (or rolled back, giving its number back): sequence order is commit order, and
a reader that has seen sequence n will never later find a new change at or below n.

The price is that writers of one feed serialise from the moment they draw a number to their commit. At the
registry's write rate (a few hundred certificates a day, issued in batches) that is nothing. A service
that also locks another counter takes the feed's first, always, so two writers cannot deadlock.
docs/decisions/0106-change-feed.md.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COUNTER_PK = 1


class ChangeFeedEntry(models.Model):
    """One row of a feed: its sequence (drawn by `change_sequences_next`, the primary key) and when the
    change happened. A concrete feed adds the record it is about and the kind of change; rows are written
    in the transaction that makes the change and never updated or deleted."""

    sequence = models.BigIntegerField(_("sequence"), primary_key=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"{self.sequence} {self.kind}"  # type: ignore[attr-defined]  # each feed's own field


class ChangeFeedCounter(models.Model):
    """The last sequence drawn in one feed: a single row (pk 1), locked while a number is drawn."""

    last = models.BigIntegerField(_("last sequence"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.last)


def change_sequences_next(counter: type[ChangeFeedCounter], count: int = 1) -> list[int]:
    """`count` consecutive new sequences of the feed whose counter model is `counter`. Must run inside the
    transaction that writes the changes: the row stays locked until it ends."""
    # ON CONFLICT DO NOTHING: the row is made on first use (and again after a test flushes the table).
    manager = counter._default_manager
    first_row = counter(last=0)
    first_row.pk = COUNTER_PK
    manager.bulk_create([first_row], ignore_conflicts=True)
    row = manager.select_for_update().get(pk=COUNTER_PK)
    first = row.last + 1
    row.last += count
    row.save(update_fields=["last"])
    return list(range(first, first + count))
