"""The load client: each scenario after a warm-up, one at a time and then by many, bounded.

A small asyncio client (aiohttp). Each scenario runs twice after ``warmup`` untimed
requests: first one connection sends its requests back to back (the latency one person
meets: p50 / p95 / p99), then ``concurrency`` connections do (the throughput the server
keeps up: requests per second, and the latency under that load). Each pass stops when
``requests`` are timed or ``seconds`` have passed, whichever comes first. Every response
must have the expected status; a latency is from sending the request to reading the
whole body.
"""

import asyncio
import datetime as dt
import re
import statistics
import time
import zoneinfo
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from benchmarks.load.targets import BENCH_REASON, Targets
from kapcare.people.views import PART_HEADER

__all__ = [
    "BOOKING",
    "CANCEL",
    "FLOOR",
    "Result",
    "Scenario",
    "booking_payload",
    "run_all",
    "scenarios",
]

FLOOR = "floor: bare Django JSON (/livez)"
BOOKING = "booking: create (API)"
CANCEL = "booking: cancel (API)"

Call = Callable[[aiohttp.ClientSession, int, "Result | None"], Awaitable[None]]
"""One request of a scenario: (session, worker number, where to record its time or None)."""


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds
    seconds: float = 0.0
    errors: int = 0
    loaded: "Result | None" = None  # the same scenario by many connections at once

    @property
    def count(self) -> int:
        return len(self.latencies)

    def quantile(self, q: int) -> float:
        """The q-th percentile in milliseconds."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Scenario:
    name: str
    call: Call
    session: str  # whose: "therapist", "privacy" (signed in) or "none" (tokens or public)


class _Timed(Exception):
    """A response with an unexpected status."""


async def _request(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    expect: int,
    result: Result | None,
    **kwargs: Any,
) -> Any:
    started = time.perf_counter()
    async with http.request(method, url, **kwargs) as response:
        body = await response.read()
        elapsed = time.perf_counter() - started
        if response.status != expect:
            raise _Timed(f"{method} {url}: {response.status} {body[:200]!r}")
    if result is not None:
        result.latencies.append(elapsed)
    return body


def booking_payload(t: Targets, worker: int) -> dict[str, Any]:
    """A telehealth therapy session at 4 pm, three weeks on: each worker its own day and
    client, so that concurrent bookings do not refuse each other."""
    zone = zoneinfo.ZoneInfo(t.zone)
    client_id, state = t.booking_clients[worker % len(t.booking_clients)]
    monday = clock_monday(zone) + dt.timedelta(weeks=3)
    day = monday + dt.timedelta(weeks=worker // 5, days=worker % 5)
    start = dt.datetime.combine(day, dt.time(16), tzinfo=zone)
    return {
        "client": client_id,
        "kind": "therapy",
        "modality": "telehealth",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(minutes=50)).isoformat(),
        "staff": [t.therapist_id],
        "client_location_state": state,
    }


def scenarios(t: Targets, results: dict[str, Result]) -> list[Scenario]:
    """Every scenario of issue 14, the floor first."""
    zone = zoneinfo.ZoneInfo(t.zone)
    therapist = {"Authorization": f"Bearer {t.therapist_token}"}
    desk = {"Authorization": f"Bearer {t.desk_token}"}
    part = {PART_HEADER: "1"}
    day_start = dt.datetime.combine(t.day, dt.time(0), tzinfo=zone)
    day_end = day_start + dt.timedelta(days=1)
    day_span = {"start": day_start.isoformat(), "end": day_end.isoformat()}
    monday = clock_monday(zone) + dt.timedelta(weeks=3)

    def get(url: str, headers: dict[str, str] | None = None, **params: Any) -> Call:
        async def call(http: aiohttp.ClientSession, worker: int, record: Result | None) -> None:
            await _request(http, "GET", url, 200, record, headers=headers, params=params)

        return call

    def payload(worker: int) -> dict[str, Any]:
        return booking_payload(t, worker)

    async def booking_check(
        http: aiohttp.ClientSession, worker: int, record: Result | None
    ) -> None:
        url = "/api/v1/appointments/check"
        await _request(http, "POST", url, 200, record, headers=desk, json=payload(worker))

    async def booking(http: aiohttp.ClientSession, worker: int, record: Result | None) -> None:
        url = "/api/v1/appointments"
        body = await _request(http, "POST", url, 201, record, headers=desk, json=payload(worker))
        booked = re.search(rb'"id":\s*(\d+)', body)
        assert booked is not None
        # Timed apart, listed after the booking (its Result exists once timing starts).
        cancel = results.setdefault(CANCEL, Result(CANCEL)) if record is not None else None
        await _request(
            http,
            "POST",
            f"/api/v1/appointments/{int(booked.group(1))}/status",
            200,
            cancel,
            headers=desk,
            json={"status": "cancelled", "reason": BENCH_REASON},
        )

    after = dt.datetime.combine(monday + dt.timedelta(weeks=2), dt.time(8), tzinfo=zone)
    client, state = t.booking_clients[0]
    return [
        Scenario(FLOOR, get("/livez"), "none"),
        Scenario("client chart (page)", get(f"/clients/{t.client_id}/"), "therapist"),
        # The chart's other panels, which its script loads as two requests after the page.
        Scenario(
            "client chart: treatment part",
            get(f"/clients/{t.client_id}/chart/treatment/", part),
            "therapist",
        ),
        Scenario(
            "client chart: notes part",
            get(f"/clients/{t.client_id}/chart/notes/", part),
            "therapist",
        ),
        Scenario(
            "clinician's day calendar (page)",
            get("/calendar/", view="day", staff=t.therapist_id, date=t.day.isoformat()),
            "therapist",
        ),
        Scenario(
            "clinician's day (API)",
            get("/api/v1/appointments", therapist, staff=t.therapist_id, limit=50, **day_span),
            "none",
        ),
        Scenario(
            "location's week calendar (page)",
            get("/calendar/", view="week", location=t.location_id, date=t.week.isoformat()),
            "therapist",
        ),
        Scenario(
            "client search by name (API)",
            get("/api/v1/clients", desk, q=t.family_name, limit=20),
            "none",
        ),
        Scenario(
            "appointments list, a location's day (API)",
            get("/api/v1/appointments", desk, location=t.location_id, limit=50, **day_span),
            "none",
        ),
        Scenario("booking check (API)", booking_check, "none"),
        Scenario(BOOKING, booking, "none"),
        Scenario(
            "availability search (API)",
            get(
                "/api/v1/availability",
                desk,
                client=client,
                kind="therapy",
                modality="telehealth",
                staff=t.therapist_id,
                client_location_state=state,
                after=after.isoformat(),
                count=3,
            ),
            "none",
        ),
        Scenario(
            "measures chart, PHQ-9 (API)",
            get(f"/api/v1/clients/{t.client_id}/measures", therapist, instrument="PHQ-9"),
            "none",
        ),
        Scenario("audit report, one client (page)", get("/audit/", client=t.client_id), "privacy"),
    ]


def clock_monday(zone: zoneinfo.ZoneInfo) -> dt.date:
    today = dt.datetime.now(zone).date()
    return today - dt.timedelta(days=today.weekday())


async def _sign_in(http: aiohttp.ClientSession, email: str, password: str) -> None:
    async with http.get("/accounts/sign-in/") as response:
        page = await response.text()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None, "no sign-in form"
    async with http.post(
        "/accounts/sign-in/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": str(http._base_url)},
        allow_redirects=False,
    ) as response:
        if response.status != 302:
            raise SystemExit(f"Could not sign in as {email}: {response.status}")


async def _pass(
    scenario: Scenario,
    http: aiohttp.ClientSession,
    result: Result,
    *,
    concurrency: int,
    requests: int,
    seconds: float,
) -> None:
    started = time.perf_counter()
    deadline = started + seconds

    async def worker(k: int) -> None:
        while result.count < requests and time.perf_counter() < deadline:
            try:
                await scenario.call(http, k, result)
            except _Timed as error:
                result.errors += 1
                if result.errors == 1:
                    print(f"  unexpected answer: {error}")

    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    result.seconds = time.perf_counter() - started


async def _one(
    scenario: Scenario,
    http: aiohttp.ClientSession,
    *,
    concurrency: int,
    warmup: int,
    requests: int,
    seconds: float,
    results: dict[str, Result],
) -> None:
    for _ in range(warmup):
        await scenario.call(http, 0, None)
    alone = results.setdefault(scenario.name, Result(scenario.name))
    await _pass(scenario, http, alone, concurrency=1, requests=requests, seconds=seconds)
    # The booking's call records its cancel in results[CANCEL]: the loaded pass's cancels
    # go to a Result of their own, hung on the one-at-a-time Result like the booking's.
    cancel_alone = results.get(CANCEL) if scenario.name == BOOKING else None
    cancel_loaded = Result(CANCEL)
    if cancel_alone is not None:
        cancel_alone.seconds = alone.seconds
        cancel_alone.loaded = results[CANCEL] = cancel_loaded
    alone.loaded = Result(scenario.name)
    await _pass(
        scenario, http, alone.loaded, concurrency=concurrency, requests=requests, seconds=seconds
    )
    if cancel_alone is not None:
        cancel_loaded.seconds = alone.loaded.seconds
        results[CANCEL] = cancel_alone


async def run_all(
    base: str,
    targets: Targets,
    *,
    concurrency: int,
    warmup: int,
    requests: int,
    seconds: float,
) -> dict[str, Result]:
    results: dict[str, Result] = {}
    sessions: dict[str, aiohttp.ClientSession] = {}
    limits = aiohttp.TCPConnector(limit=concurrency, force_close=True)
    try:
        for who in ("none", "therapist", "privacy"):
            sessions[who] = aiohttp.ClientSession(
                base_url=base,
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                connector=limits,
                connector_owner=False,
            )
        await _sign_in(sessions["therapist"], targets.therapist_email, targets.password)
        await _sign_in(sessions["privacy"], targets.privacy_email, targets.password)
        for scenario in scenarios(targets, results):
            print(f"  {scenario.name} ...", flush=True)
            await _one(
                scenario,
                sessions[scenario.session],
                concurrency=concurrency,
                warmup=warmup,
                requests=requests,
                seconds=seconds,
                results=results,
            )
    finally:
        for http in sessions.values():
            await http.close()
        await limits.close()
    return results
