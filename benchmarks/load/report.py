"""The load benchmark's table, and its section of benchmarks/RESULTS.md, from one run."""

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path

from django.db import connection

from benchmarks.load.runner import FLOOR, Result
from benchmarks.load.targets import Targets

__all__ = ["machine", "table", "uptime", "write_results"]

RESULTS = Path(__file__).resolve().parent.parent / "RESULTS.md"
HEADER = """# Load benchmark results

Written by `make bench-load` (`benchmarks/load/`), one section per run, newest last:
figures from the run, not edited by hand. Each scenario runs after a warm-up over
loopback against `gunicorn` (the settings of `make serve`) on PostgreSQL, holding a
practice made by `manage.py generate_practice`. Sections from 2026-12-06 17:00 UTC on run
each scenario twice: one connection sending requests back to back (p50 / p95 / p99: the
latency one person meets), then several connections at once (req/s, and the p95 under that
load); earlier sections ran only the second pass, so their latencies include the queueing
of 4 connections on 2 cores. "ratio to floor" is the scenario's throughput divided by that
of `/livez`, a bare Django JSON view served by the same server in the same run. Latency is
from sending a request to reading the whole answer, so it includes the load client's own
time on the same machine.
"""


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def uptime() -> str:
    found = subprocess.run(["uptime"], capture_output=True, text=True, check=False)  # noqa: S607
    return found.stdout.strip()


def machine() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database = str(cursor.fetchone()[0]).split(" on ")[0]
    return (
        f"{_first('/proc/cpuinfo', 'model name')}, {os.cpu_count()} cores, "
        f"{_first('/proc/meminfo', 'MemTotal')} memory; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; {database}"
    )


def table(results: dict[str, Result], concurrency: int) -> list[str]:
    floor = results.get(FLOOR)
    floor_rate = floor.loaded.rate if floor and floor.loaded else 0.0
    lines = [
        "| scenario | requests | errors | p50 ms | p95 ms | p99 ms "
        f"| req/s, {concurrency} at once | p95 ms, {concurrency} at once | ratio to floor |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for result in results.values():
        loaded = result.loaded or Result(result.name)
        ratio = loaded.rate / floor_rate if floor_rate else float("nan")
        lines.append(
            f"| {result.name} | {result.count} + {loaded.count} | "
            f"{result.errors + loaded.errors} | {result.quantile(50):.1f} | "
            f"{result.quantile(95):.1f} | {result.quantile(99):.1f} | {loaded.rate:.0f} | "
            f"{loaded.quantile(95):.1f} | {ratio:.2f} |"
        )
    return lines


def write_results(
    *,
    results: dict[str, Result],
    targets: Targets,
    label: str,
    workers: int,
    concurrency: int,
    settings: str,
    command: str,
    load_before: str,
    load_after: str,
) -> Path:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = f"## {targets.clients:,} clients" + (f" · {label}" if label else "") + f" · {when}"
    section = [
        title,
        "",
        f"- Practice: {targets.practice}: {targets.clients:,} clients, "
        f"{targets.appointments:,} appointments.",
        f"- Server: gunicorn, {workers} sync workers, DEBUG off, connections kept (CONN_MAX_AGE "
        "60), PostgreSQL on the same machine, loopback.",
        f"- Load: {settings}.",
        f"- Machine: {machine()}.",
        f"- `uptime` before: `{load_before}`; after: `{load_after}`. The machine's cores are "
        "shared with other sessions working at the same time: the load average above says "
        "how much, and the figures are slower by as much.",
        f"- Command: `{command}`",
        "",
        *table(results, concurrency),
        "",
    ]
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    RESULTS.write_text(text.rstrip("\n") + "\n\n" + "\n".join(section))
    return RESULTS
