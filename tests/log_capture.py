"""Every logger at DEBUG, Django's SQL log with its parameters included, into one handler: for the tests
that scan what the application logs (tests/ops/test_logs.py, tests/test_personal_data_scan.py)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def every_logger_at_debug_into(handler: logging.Handler, *, others_at: int) -> Iterator[logging.Handler]:
    """Raise every logger to DEBUG and add `handler` to the root; the root's other handlers (the console)
    stay at `others_at` or above meanwhile. Everything is put back afterwards."""
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in list(logging.root.manager.loggerDict))]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    quieted = [(h, h.level) for h in logging.getLogger().handlers]
    for existing, level in quieted:
        existing.setLevel(max(others_at, level))
    logging.getLogger().addHandler(handler)
    forced = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        yield handler
    finally:
        connection.force_debug_cursor = forced
        logging.getLogger().removeHandler(handler)
        for existing, level in quieted:
            existing.setLevel(level)
        for logger, level in levels:
            logger.setLevel(level)
