"""Tests of the medicine rules, and the small builders they share.

The builders live here (not in a conftest) because they are plain functions the
test modules import; every time is relative to ``T0``, an aware UTC instant.
"""

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from kapcare.medicine.rules import (
    DischargeAssessment,
    DoseAdministration,
    DoseOrder,
    PreDoseChecklist,
    VitalSigns,
)
from kapcare.pathway.vocabulary import Route

T0 = dt.datetime(2025, 3, 4, 15, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    """``T0`` plus ``minutes`` (may be negative or fractional)."""
    return T0 + dt.timedelta(minutes=minutes)


def vitals(
    minutes: float,
    systolic: int = 120,
    diastolic: int = 80,
    heart_rate: int = 72,
    spo2: int = 98,
) -> VitalSigns:
    return VitalSigns(
        at=at(minutes),
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=heart_rate,
        spo2=spo2,
    )


def complete_checklist(**changes: Any) -> PreDoseChecklist:
    checklist = PreDoseChecklist(
        identity_confirmed=True,
        fasting_confirmed=True,
        escort_name="Ride home arranged",
        no_driving_agreed=True,
        todays_measures_done=True,
        unreviewed_risk_flag=False,
        intention="Meet the protective part with curiosity",
        preparation_completed=2,
        preparation_required=2,
    )
    return replace(checklist, **changes)


def dose_order(**changes: Any) -> DoseOrder:
    order = DoseOrder(
        route=Route.SUBLINGUAL,
        max_total_mg=Decimal(300),
        signed_at=T0 - dt.timedelta(days=3),
        expires_at=T0 + dt.timedelta(days=90),
    )
    return replace(order, **changes)


def dose(
    minutes: float,
    mg: str | int = 200,
    route: Route = Route.SUBLINGUAL,
    lot: str = "LOT-2025-17",
) -> DoseAdministration:
    return DoseAdministration(at=at(minutes), route=route, dose_mg=Decimal(mg), lot=lot)


def assessment(minutes: float, **changes: Any) -> DischargeAssessment:
    ready = DischargeAssessment(
        at=at(minutes), alert_oriented=True, steady_gait=True, escort_present=True
    )
    return replace(ready, **changes)
