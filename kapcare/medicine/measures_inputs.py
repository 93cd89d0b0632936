"""What the medicine rules need from measures: the baseline DES-II and open risk flags.

``kapcare.measures.flags`` answers both as plain data (no permission check: the
caller has already reached the client through ``people.access``).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kapcare.measures.flags import BOOKING_BLOCKING_CODES, latest_des_total, open_safety_flags


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
