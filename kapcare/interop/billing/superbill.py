"""A superbill's lines and totals from the services held: pure, no Django.

Each held session brings its CPT codes (from its signed note, or the medicine record's
monitoring time for 0820T-0822T) and is priced from the practice's fee schedule.

Interpretations (CLINICAL.md, "Billing codes"):

1. Place of service: 11 (office) in person; for telehealth the practice's choice of 10
   (the client at home, the default) or 02 (elsewhere), since where the client sat is
   recorded by state only.
2. Modifier 95 (synchronous telehealth) on every line of a telehealth session.
3. Each code's fee is per unit; a line's amount is fee x units. A code missing from the
   fee schedule is billed at 0.00 and named, so the practice can add it.
4. Amounts are exact decimals in dollars, two places, never floats.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "IN_PERSON_POS",
    "TELEHEALTH_MODIFIER",
    "TELEHEALTH_POS",
    "BilledCode",
    "HeldService",
    "SuperbillLine",
    "superbill_lines",
    "total",
    "unpriced_codes",
]

IN_PERSON_POS = "11"
TELEHEALTH_POS = ("10", "02")  # the client's home; elsewhere
TELEHEALTH_MODIFIER = "95"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BilledCode:
    code: str
    units: int = 1


@dataclass(frozen=True)
class HeldService:
    """One held session as billing sees it."""

    date: dt.date
    telehealth: bool
    codes: tuple[BilledCode, ...]
    clinician: str  # the rendering clinician's name
    clinician_npi: str
    appointment_id: int


@dataclass(frozen=True)
class SuperbillLine:
    date: dt.date
    place_of_service: str
    code: str
    modifiers: tuple[str, ...]
    units: int
    fee: Decimal
    amount: Decimal
    clinician: str
    clinician_npi: str
    appointment_id: int


def superbill_lines(
    services: Sequence[HeldService], fees: Mapping[str, Decimal], *, telehealth_pos: str = "10"
) -> list[SuperbillLine]:
    if telehealth_pos not in TELEHEALTH_POS:
        raise ValueError("Telehealth place of service is 10 or 02.")
    lines = []
    for service in sorted(services, key=lambda s: (s.date, s.appointment_id)):
        pos = telehealth_pos if service.telehealth else IN_PERSON_POS
        modifiers = (TELEHEALTH_MODIFIER,) if service.telehealth else ()
        for billed in service.codes:
            fee = Decimal(fees.get(billed.code, Decimal(0))).quantize(CENT)
            lines.append(
                SuperbillLine(
                    date=service.date,
                    place_of_service=pos,
                    code=billed.code,
                    modifiers=modifiers,
                    units=billed.units,
                    fee=fee,
                    amount=(fee * billed.units).quantize(CENT),
                    clinician=service.clinician,
                    clinician_npi=service.clinician_npi,
                    appointment_id=service.appointment_id,
                )
            )
    return lines


def total(lines: Sequence[SuperbillLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00")).quantize(CENT)


def unpriced_codes(lines: Sequence[SuperbillLine], fees: Mapping[str, Decimal]) -> list[str]:
    return sorted({line.code for line in lines if line.code not in fees})
