"""Gunicorn's settings for ``make serve`` (gunicorn reads this file from the working folder).

Sync workers, two per core plus one (gunicorn's own advice for a server that waits on
its database); ``WEB_CONCURRENCY`` overrides the count. Each worker is one process with
its own database connection kept between requests (``DATABASE_CONN_MAX_AGE``), so
nothing is shared between workers but the database: more workers, or more machines,
serve more requests (docs/deployment.md, "Past one machine").
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# The embedded SQLite database takes one writing process (docs/deployment.md): one
# worker with threads there; PostgreSQL takes as many processes as the cores can run.
_on_sqlite = not os.environ.get("DATABASE_URL", "").startswith("postgres")
workers = int(
    os.environ.get("WEB_CONCURRENCY") or (1 if _on_sqlite else multiprocessing.cpu_count() * 2 + 1)
)
threads = 4 if _on_sqlite else 1  # more than one thread makes gunicorn use gthread workers
# A request slower than this is a bug to fix, not to wait for; exports stream within it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
# Recycle a worker now and then, so a leak in a dependency cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" logs every request
# Completion links, feed addresses and reset links carry a secret: logged masked.
logger_class = "kapcare.log_masking.MaskedAccessLogger"
errorlog = "-"


def post_worker_init(worker: object) -> None:
    """Once the worker has loaded the app: its modules, settings and templates live as
    long as the worker, so they are moved out of the garbage collector's sight (a full
    collection no longer walks them in the middle of a request)."""
    import gc

    gc.freeze()
