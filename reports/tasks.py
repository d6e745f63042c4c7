from celery import shared_task

from .reminders import reminders_send_report


@shared_task(name="reports.send_report_reminders")
def send_report_reminders() -> int:
    return reminders_send_report()
