"""Run the same work in several threads released together (race tests)."""

import threading
from collections.abc import Callable

from django.db import connection

__all__ = ["at_once"]


def at_once(work: Callable[[int], None], count: int) -> None:
    """``work(0)`` ... ``work(count - 1)``, each in its own thread with its own database
    connection (as web workers have), all released at the same moment; returns when
    every one has finished."""
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
