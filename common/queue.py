"""`enqueue`: the one way code hands a task to the broker (docs/decisions/0051-redis-outages.md)."""

import logging

from common.breaker import CircuitBreaker

logger = logging.getLogger(__name__)

broker_breaker = CircuitBreaker("the Celery broker")


def enqueue(task, **kwargs) -> bool:
    """`task.delay(**kwargs)` that never raises and never holds a request up for more than a moment.

    True when the task was handed to the broker (or, with the embedded default of no broker, ran here
    and returned). False, logged, when it could not be: the broker is down (bounded by REDIS_TIMEOUT,
    then skipped at once for REDIS_RETRY_SECONDS), or the in-process task failed. Call it after commit
    (`transaction.on_commit`) for work that a sweep redoes from the database if it returns False: the
    notification outbox, the certificate PDFs. docs/decisions/0051-redis-outages.md.
    """
    eager = task.app.conf.task_always_eager
    if not eager and not broker_breaker.available():
        logger.warning("not enqueued (broker unavailable): %s%s; a sweep will do it", task.name, kwargs)
        return False
    try:
        task.delay(**kwargs)
    except Exception as error:
        if eager:
            logger.exception("task %s%s failed in-process", task.name, kwargs)
        else:
            broker_breaker.failed(error)
            logger.error(
                "could not enqueue %s%s: %s; a sweep will do it", task.name, kwargs, type(error).__name__
            )
        return False
    if not eager:
        broker_breaker.succeeded()
    return True
