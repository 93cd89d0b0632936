"""Plain-data answers about a client's safety flags and measures, for other apps.

Booking (``scheduling.services``) and medicine-session screening call these; they
read no request and check no permission, so a caller must already have reached the
client through ``people.access``. Nothing here writes.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from kapcare.measures.models import MeasureResponse, RiskFlag, RiskFlagCode
from kapcare.measures.registry import list_instruments
from kapcare.people.access import Actor, page_fact

__all__ = [
    "BOOKING_BLOCKING_CODES",
    "TOTAL",
    "GoalMeasure",
    "LatestTotal",
    "client_risk_flags",
    "count_unreviewed_booking_flags",
    "goal_measures",
    "latest_des_total",
    "latest_scores",
    "open_safety_flags",
    "unreviewed_booking_flags_among",
    "unreviewed_booking_flags_column",
]

# DESIGN.md `safety.unreviewed_risk_flag`: these block booking a medicine session until
# a clinician has reviewed them. High dissociation is a relative contraindication for
# the medical provider to weigh (medicine screening), not a booking stop.
BOOKING_BLOCKING_CODES = frozenset({RiskFlagCode.SUICIDALITY, RiskFlagCode.SUICIDE_RISK})

DES_II = "DES-II"


def open_safety_flags(client_id: int) -> list[str]:
    """The codes of the client's unreviewed risk flags, oldest first (one per flag).

    Codes: ``suicidality`` (PHQ-9 item 9), ``suicide_risk`` (ASQ positive),
    ``high_dissociation`` (DES-II ≥ 30 before a medicine session).
    """
    return list(
        RiskFlag.objects.filter(client_id=client_id, reviewed_at__isnull=True)
        .order_by("raised_at", "id")
        .values_list("code", flat=True)
    )


# Which of a client's flags stop a booking: one condition for the count and its column.
_UNREVIEWED_BOOKING_FLAG = Q(reviewed_at__isnull=True, code__in=BOOKING_BLOCKING_CODES)


def count_unreviewed_booking_flags(client_id: int) -> int:
    """How many unreviewed suicidality / suicide-risk flags the client has."""
    return RiskFlag.objects.filter(_UNREVIEWED_BOOKING_FLAG, client_id=client_id).count()


def unreviewed_booking_flags_column(client: OuterRef) -> Coalesce:
    """``count_unreviewed_booking_flags`` as a column of a query on the client's row
    (``client`` its id), so that a fact loader reads it with the client's other facts."""
    return Coalesce(
        Subquery(
            RiskFlag.objects.filter(_UNREVIEWED_BOOKING_FLAG, client_id=client)
            .order_by()
            .values("client_id")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def client_risk_flags(actor: Actor, client_id: int) -> list[RiskFlag]:
    """All the client's risk flags, newest first, with their response and reviewer: one
    query, shared by the panels of one page view (the chart's safety panel, its
    readiness). The caller has reached the client's safety data through access."""
    return page_fact(
        actor,
        f"measures.risk_flags:{client_id}",
        lambda: list(
            RiskFlag.objects.filter(client_id=client_id)
            .select_related("response", "reviewed_by__user")
            .order_by("-raised_at", "-id")
        ),
    )


def unreviewed_booking_flags_among(flags: list[RiskFlag]) -> int:
    """``count_unreviewed_booking_flags`` over flags already loaded."""
    return sum(1 for f in flags if f.reviewed_at is None and f.code in BOOKING_BLOCKING_CODES)


def latest_des_total(client_id: int) -> float | None:
    """The total (mean, 0 to 100) of the client's most recent DES-II, or None if never taken."""
    total = (
        MeasureResponse.objects.filter(client_id=client_id, instrument_code=DES_II)
        .order_by("-completed_at", "-id")
        .values_list("total", flat=True)
        .first()
    )
    return float(total) if total is not None else None


@dataclass(frozen=True)
class LatestTotal:
    """An instrument's most recent total (or subscale score) for a client, and the
    response it came from."""

    response_id: int
    total: Decimal
    completed_at: dt.datetime


# The score a goal targets when it names no subscale.
TOTAL = ""


@dataclass(frozen=True)
class GoalMeasure:
    """An instrument a plan goal can target: its name, whether it has a total, and its
    subscales as ``{name: words}`` (e.g. PCL-5 ``{"B": "intrusion (cluster B)", ...}``)."""

    name: str
    has_total: bool
    subscales: dict[str, str]


def goal_measures() -> dict[str, GoalMeasure]:
    """``{code: GoalMeasure}`` of every instrument with a total or a subscale (a plan goal
    can target either; the ASQ has neither)."""
    return {
        i.code: GoalMeasure(
            name=i.name,
            has_total=i.scoring.total is not None,
            subscales={s.name: s.label or s.name for s in i.scoring.subscales},
        )
        for i in list_instruments()
        if i.scoring.total is not None or i.scoring.subscales
    }


def latest_scores(
    client_id: int, wanted: list[tuple[str, str]]
) -> dict[tuple[str, str], LatestTotal]:
    """The client's most recent value of each ``(instrument code, subscale)`` wanted
    (subscale ``TOTAL``: the total), with the response it came from; those never scored
    are left out. One query: the responses of those instruments, newest first, read
    until each wanted score is found."""
    missing = set(wanted)
    found: dict[tuple[str, str], LatestTotal] = {}
    if not missing:
        return found
    rows = (
        MeasureResponse.objects.filter(
            client_id=client_id, instrument_code__in=sorted({code for code, _ in missing})
        )
        .order_by("-completed_at", "-id")
        .values_list("instrument_code", "pk", "total", "subscales", "completed_at")
    )
    for code, response_id, total, subscales, completed_at in rows:
        for key in [k for k in missing if k[0] == code]:
            value = total if key[1] == TOTAL else (subscales or {}).get(key[1])
            if value is not None:
                # As the total column holds it: two decimals (scores are whole or 2 dp).
                score = Decimal(str(value)).quantize(Decimal("0.01"))
                found[key] = LatestTotal(response_id, score, completed_at)
                missing.discard(key)
        if not missing:
            break
    return found
