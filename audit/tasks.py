from celery import shared_task

from audit.services import audit_chains_verify


# Acknowledged when it starts (not acks late): at national scale the walk can outlast the broker's
# visibility timeout, and a read-only check lost with its worker is simply tomorrow's (or run by hand:
# `python manage.py audit_verify`). docs/decisions/0051-redis-outages.md
@shared_task(name="audit.verify_chains", acks_late=False)
def verify_chains() -> int:
    """Daily: check every audit chain; a break is logged as CRITICAL for the operators' alerting."""
    return sum(1 for result in audit_chains_verify() if result.broken is not None)
