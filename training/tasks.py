"""Celery tasks of the continuing-education ledger: verbs, each calling one service, idempotent
(the periodic ones are in settings.CELERY_BEAT_SCHEDULE, each with a management command beside it)."""

from celery import shared_task

from training.reminders import reminders_send_shortfall


@shared_task(name="training.send_shortfall_reminders")
def send_shortfall_reminders() -> int:
    """Daily; acts on 1 October and 1 December (and the days after, if missed): once per employer."""
    return reminders_send_shortfall()
