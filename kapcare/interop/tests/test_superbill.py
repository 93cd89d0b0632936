"""Superbill figures against a hand-worked example (no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from kapcare.interop.billing.superbill import (
    BilledCode,
    HeldService,
    superbill_lines,
    total,
    unpriced_codes,
)

FEES = {
    "90791": Decimal("250.00"), "90837": Decimal("200.00"), "90834": Decimal("160.00"),
    "90785": Decimal("25.00"), "0820T": Decimal("150.00"), "0822T": Decimal("60.00"),
}  # fmt: skip


def _service(day: int, telehealth: bool, *codes: BilledCode, appointment: int) -> HeldService:
    return HeldService(
        date=dt.date(2026, 3, day), telehealth=telehealth, codes=codes, clinician="Maya L",
        clinician_npi="1234567893", appointment_id=appointment,
    )  # fmt: skip


def test_a_month_of_care_worked_by_hand() -> None:
    # Worked by hand:
    #   2 Mar, office intake             90791 x1 @ 250.00           = 250.00  POS 11
    #   9 Mar, telehealth therapy 55 min 90837 x1 @ 200.00 + 90785 x1 @ 25.00
    #                                                                = 225.00  POS 10, mod 95
    #  16 Mar, medicine session 2h40     0820T x3 @ 150.00 = 450.00
    #                                    0822T x3 @  60.00 = 180.00  = 630.00  POS 11
    #  total                                                        = 1,105.00
    services = [
        _service(16, False, BilledCode("0820T", 3), BilledCode("0822T", 3), appointment=3),
        _service(2, False, BilledCode("90791"), appointment=1),
        _service(9, True, BilledCode("90837"), BilledCode("90785"), appointment=2),
    ]
    lines = superbill_lines(services, FEES)
    shown = [
        (x.date.day, x.place_of_service, x.code, x.modifiers, x.units, x.amount) for x in lines
    ]
    assert shown == [
        (2, "11", "90791", (), 1, Decimal("250.00")),
        (9, "10", "90837", ("95",), 1, Decimal("200.00")),
        (9, "10", "90785", ("95",), 1, Decimal("25.00")),
        (16, "11", "0820T", (), 3, Decimal("450.00")),
        (16, "11", "0822T", (), 3, Decimal("180.00")),
    ]  # fmt: skip
    assert total(lines) == Decimal("1105.00")


def test_telehealth_elsewhere_than_home_is_place_of_service_02() -> None:
    lines = superbill_lines(
        [_service(9, True, BilledCode("90834"), appointment=1)], FEES, telehealth_pos="02"
    )
    assert (lines[0].place_of_service, lines[0].modifiers, lines[0].amount) == (
        "02",
        ("95",),
        Decimal("160.00"),
    )
    with pytest.raises(ValueError, match="10 or 02"):
        superbill_lines([], FEES, telehealth_pos="11")


def test_a_code_without_a_fee_is_billed_at_zero_and_named() -> None:
    lines = superbill_lines([_service(9, False, BilledCode("0821T", 2), appointment=1)], FEES)
    assert (lines[0].amount, unpriced_codes(lines, FEES)) == (Decimal("0.00"), ["0821T"])
    assert total([]) == Decimal("0.00")
