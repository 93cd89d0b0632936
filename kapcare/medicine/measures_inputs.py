"""What the medicine rules need from measures: the baseline DES-II and open risk flags.

``kapcare.measures.flags`` answers both as plain data (no permission check: the
caller has already reached the client through ``people.access``).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kapcare.measures.flags import BOOKING_BLOCKING_CODES, latest_des_total, open_safety_flags
from kapcare.measures.models import MeasureResponse

# The pre-dose checklist's "today's PHQ-9 / ASQ" (issue 5).
TODAYS_CODES = frozenset({"PHQ-9", "ASQ"})


@dataclass(frozen=True)
class MeasuresInputs:
    des_ii_total: Decimal | None  # None: the client has no DES-II yet (unknown)
    open_suicide_flag: bool  # an unreviewed suicidality (PHQ-9 item 9) or ASQ flag


def measures_inputs(client_id: int) -> MeasuresInputs:
    total = latest_des_total(client_id)
    return MeasuresInputs(
        des_ii_total=(
            Decimal(str(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if total is not None
            else None
        ),
        open_suicide_flag=any(
            code in BOOKING_BLOCKING_CODES for code in open_safety_flags(client_id)
        ),
    )


def measures_done_between(client_id: int, start: dt.datetime, end: dt.datetime) -> frozenset[str]:
    """Which of today's checklist measures (PHQ-9, ASQ) the client completed in [start, end)."""
    return frozenset(
        MeasureResponse.objects.filter(
            client_id=client_id,
            instrument_code__in=TODAYS_CODES,
            completed_at__gte=start,
            completed_at__lt=end,
        ).values_list("instrument_code", flat=True)
    )
