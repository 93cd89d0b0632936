"""``python -m benchmarks.load.profile``: one scenario's requests in-process, timed and profiled.

Where ``make bench-load`` measures what users meet, this says where a request's time
goes: it sends the scenario's request through Django's test client (the settings of
``make serve``, DEBUG off) against the generated practice ``DATABASE_URL`` holds, after a
warm-up, and prints the median time, the queries of one request and, with ``--profile``,
the functions that took the most time. Bookings made here are cancelled at once, and
deleted at the end (``remove_bench_bookings``).
"""

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import statistics
import sys
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent.parent


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load.profile", description=__doc__)
    parser.add_argument("scenario", help="A scenario name's first word(s), e.g. chart, booking.")
    parser.add_argument("--practice", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="Print the top functions.")
    parser.add_argument("--queries", action="store_true", help="Print one request's SQL.")
    parser.add_argument(
        "--sort", default="cumulative", help="Order of --profile: cumulative or tottime."
    )
    return parser.parse_args()


PAGES = ("chart", "chart treatment", "chart notes", "day", "week", "audit")


def _requests(t: Any) -> dict[str, Callable[[Any], Any]]:
    from benchmarks.load.runner import booking_payload, clock_monday
    from benchmarks.load.targets import BENCH_REASON
    from kapcare.people.views import PART_HEADER

    zone = zoneinfo.ZoneInfo(t.zone)
    desk = {"HTTP_AUTHORIZATION": f"Bearer {t.desk_token}"}
    therapist = {"HTTP_AUTHORIZATION": f"Bearer {t.therapist_token}"}
    part = {"HTTP_" + PART_HEADER.upper().replace("-", "_"): "1"}
    day_start = dt.datetime.combine(t.day, dt.time(0), tzinfo=zone)
    monday = clock_monday(zone) + dt.timedelta(weeks=3)
    payload = booking_payload(t, 0)
    client, state = t.booking_clients[0]
    body = json.dumps(payload)

    def booking(c: Any) -> Any:
        made = c.post("/api/v1/appointments", body, content_type="application/json", **desk)
        assert made.status_code == 201, made.content
        c.post(
            "/api/v1/appointments/{}/status".format(made.json()["appointment"]["id"]),
            json.dumps({"status": "cancelled", "reason": BENCH_REASON}),
            content_type="application/json",
            **desk,
        )
        return made

    after = dt.datetime.combine(monday + dt.timedelta(weeks=2), dt.time(8), tzinfo=zone)
    return {
        "floor": lambda c: c.get("/livez"),
        "chart": lambda c: c.get(f"/clients/{t.client_id}/"),
        "chart treatment": lambda c: c.get(f"/clients/{t.client_id}/chart/treatment/", **part),
        "chart notes": lambda c: c.get(f"/clients/{t.client_id}/chart/notes/", **part),
        "day": lambda c: c.get(
            "/calendar/", {"view": "day", "staff": t.therapist_id, "date": t.day.isoformat()}
        ),
        "week": lambda c: c.get(
            "/calendar/", {"view": "week", "location": t.location_id, "date": t.week.isoformat()}
        ),
        "search": lambda c: c.get("/api/v1/clients", {"q": t.family_name, "limit": 20}, **desk),
        "day api": lambda c: c.get(
            "/api/v1/appointments",
            {
                "staff": t.therapist_id,
                "limit": 50,
                "start": day_start.isoformat(),
                "end": (day_start + dt.timedelta(days=1)).isoformat(),
            },
            **therapist,
        ),
        "appointments": lambda c: c.get(
            "/api/v1/appointments",
            {
                "location": t.location_id,
                "limit": 50,
                "start": day_start.isoformat(),
                "end": (day_start + dt.timedelta(days=1)).isoformat(),
            },
            **desk,
        ),
        "check": lambda c: c.post(
            "/api/v1/appointments/check", body, content_type="application/json", **desk
        ),
        "booking": booking,
        "availability": lambda c: c.get(
            "/api/v1/availability",
            {
                "client": client,
                "kind": "therapy",
                "modality": "telehealth",
                "staff": t.therapist_id,
                "client_location_state": state,
                "after": after.isoformat(),
                "count": 3,
            },
            **desk,
        ),
        "measures": lambda c: c.get(
            f"/api/v1/clients/{t.client_id}/measures", {"instrument": "PHQ-9"}, **therapist
        ),
        "audit": lambda c: c.get("/audit/", {"client": t.client_id}),
    }


def main() -> None:
    options = _arguments()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapcare.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")  # as make serve keeps them
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from benchmarks.load.targets import find_targets, remove_bench_bookings
    from kapcare.accounts.models import User

    settings.ALLOWED_HOSTS = ["*"]
    t = find_targets(options.practice)
    requests = _requests(t)
    name = next((n for n in requests if n.startswith(options.scenario)), None)
    if name is None:
        raise SystemExit(f"No scenario {options.scenario!r}; one of: {', '.join(requests)}")
    client = Client(HTTP_HOST="127.0.0.1")
    if name in PAGES:  # the API's scenarios send a token, and no session beside it
        email = t.privacy_email if name == "audit" else t.therapist_email
        client.force_login(User.objects.get(email=email))
    call = requests[name]
    for _ in range(5):
        response = call(client)
        assert response.status_code in (200, 201), (response.status_code, response.content[:300])
    queries: list[tuple[float, str]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - started, sql))

    # A wrapper, not CaptureQueriesContext: each request's start empties connection.queries.
    with connection.execute_wrapper(record):
        call(client)
    times = []
    profiler = cProfile.Profile() if options.profile else None
    for _ in range(options.repeat):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        call(client)
        if profiler:
            profiler.disable()
        times.append(time.perf_counter() - started)
    sql_ms = sum(seconds for seconds, _ in queries) * 1000
    print(
        f"{name}: median {statistics.median(times) * 1000:.1f} ms, "
        f"min {min(times) * 1000:.1f} ms over {options.repeat}; "
        f"{len(queries)} queries ({sql_ms:.1f} ms in the database, one request)"
    )
    if options.queries:
        for seconds, sql in queries:
            print(f"  {seconds * 1000:6.1f} ms  {sql[:400]}")
    if profiler:
        pstats.Stats(profiler).sort_stats(options.sort).print_stats(45)
    remove_bench_bookings()


if __name__ == "__main__":
    main()
