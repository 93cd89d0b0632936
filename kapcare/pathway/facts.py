"""The facts the pathway's rules need, loaded in one place.

The safety facts come from measures (a client's unreviewed risk flags and latest
DES-II): ``measures.flags`` answers them as plain data, so this is the one place the
pathway reads measures (see the import contracts in ``.importlinter``).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kapcare.measures.flags import count_unreviewed_booking_flags, latest_des_total

__all__ = ["ScreeningInputs", "screening_inputs"]


@dataclass(frozen=True)
class ScreeningInputs:
    """What a medical screening records from measures, as they stand when it is made."""

    des_ii_total: Decimal | None  # None: the client has no DES-II yet (unknown)
    open_suicide_flag: bool  # an unreviewed suicidality (PHQ-9 item 9) or ASQ flag


def screening_inputs(client_id: int) -> ScreeningInputs:
    total = latest_des_total(client_id)
    return ScreeningInputs(
        des_ii_total=(
            Decimal(str(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if total is not None
            else None
        ),
        open_suicide_flag=count_unreviewed_booking_flags(client_id) > 0,
    )
