"""``python -m benchmarks.load``: serve with gunicorn, load it, print and record the figures.

``make bench-load`` runs this against the PostgreSQL database ``DATABASE_URL`` names,
which must hold a practice from ``manage.py generate_practice``. It starts gunicorn
with the settings of ``make serve`` on a loopback port, waits until ``/livez`` answers,
runs every scenario (``runner``), stops the server and appends its section to
``benchmarks/RESULTS.md`` (``report``).
"""

import argparse
import asyncio
import multiprocessing
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent.parent


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--concurrency", type=int, default=4, help="Connections at once.")
    parser.add_argument("--warmup", type=int, default=20, help="Untimed requests first.")
    parser.add_argument("--requests", type=int, default=400, help="At most, per scenario.")
    parser.add_argument("--seconds", type=float, default=15, help="At most, per scenario.")
    parser.add_argument("--label", default="", help="Names the run in RESULTS.md.")
    parser.add_argument("--practice", type=int, default=None, help="Practice id (default newest).")
    parser.add_argument("--no-record", action="store_true", help="Print only.")
    return parser.parse_args()


def _wait_until_live(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it served: see its log above.")
        try:
            with urllib.request.urlopen(f"{base}/livez", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /livez within 90 s.")


def main() -> None:
    options = _arguments()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "make bench-load measures PostgreSQL: set DATABASE_URL=postgres://... to a database "
            "holding a practice from manage.py generate_practice --clients N."
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapcare.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from benchmarks.load.report import table, uptime, write_results
    from benchmarks.load.runner import run_all
    from benchmarks.load.targets import find_targets, remove_bench_bookings

    remove_bench_bookings()  # a run stopped half-way leaves its own
    targets = find_targets(options.practice)
    workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "HOST": "127.0.0.1",
        "PORT": str(options.port),
        "WEB_CONCURRENCY": str(workers),
    }
    base = f"http://127.0.0.1:{options.port}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, "--config", "gunicorn.conf.py", "kapcare.wsgi:application"], cwd=ROOT, env=env
    )
    load_before = uptime()
    try:
        _wait_until_live(base, server)
        print(f"{targets.practice}: {targets.clients:,} clients, {workers} workers on {base}")
        results = asyncio.run(
            run_all(
                base,
                targets,
                concurrency=options.concurrency,
                warmup=options.warmup,
                requests=options.requests,
                seconds=options.seconds,
            )
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        remove_bench_bookings()
    load_after = uptime()
    print("\n".join(table(results, options.concurrency)))
    print(f"uptime before: {load_before}\nuptime after:  {load_after}")
    if not options.no_record:
        written = write_results(
            results=results,
            targets=targets,
            label=options.label,
            workers=workers,
            concurrency=options.concurrency,
            settings=(
                f"{options.warmup} warm-up requests, then per scenario two passes of up to "
                f"{options.requests} requests or {options.seconds:g} s: one connection, then "
                f"{options.concurrency} connections at once"
            ),
            command="python -m benchmarks.load " + shlex.join(sys.argv[1:]),
            load_before=load_before,
            load_after=load_after,
        )
        print(f"Recorded in {written.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
