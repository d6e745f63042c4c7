"""Running calls at the same moment on their own database connections (PostgreSQL race tests)."""

import threading

from django.db import connection


def run_together(*calls):
    """Start every call in its own thread (own connection) at the same moment; return each outcome, the
    call's result or the exception it raised, in the calls' order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as error:
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
