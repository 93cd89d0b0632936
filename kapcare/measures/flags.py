"""Plain-data answers about a client's safety flags and measures, for other apps.

Booking (``scheduling.services``) and medicine-session screening call these; they
read no request and check no permission, so a caller must already have reached the
client through ``people.access``. Nothing here writes.
"""

from kapcare.measures.models import MeasureResponse, RiskFlag, RiskFlagCode

__all__ = [
    "BOOKING_BLOCKING_CODES",
    "count_unreviewed_booking_flags",
    "latest_des_total",
    "open_safety_flags",
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


def count_unreviewed_booking_flags(client_id: int) -> int:
    """How many unreviewed suicidality / suicide-risk flags the client has."""
    return RiskFlag.objects.filter(
        client_id=client_id, reviewed_at__isnull=True, code__in=BOOKING_BLOCKING_CODES
    ).count()


def latest_des_total(client_id: int) -> float | None:
    """The total (mean, 0 to 100) of the client's most recent DES-II, or None if never taken."""
    total = (
        MeasureResponse.objects.filter(client_id=client_id, instrument_code=DES_II)
        .order_by("-completed_at", "-id")
        .values_list("total", flat=True)
        .first()
    )
    return float(total) if total is not None else None
