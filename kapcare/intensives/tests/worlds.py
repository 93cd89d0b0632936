"""Small practices for the planner's pure tests: Bryn Mawr (one medicine room, one
therapy room), two therapists and a monitor working weekdays 08:00-18:00, and clients
ready for an intensive (plan, consent, clearance and dose order on file)."""

import dataclasses
import datetime as dt
from typing import Any

from kapcare.intensives.pattern import read_pattern
from kapcare.intensives.planner import ClientIntensive, PlanningProblem
from kapcare.pathway.rules import Clearance, Consent, DoseOrder, TreatmentPlan
from kapcare.pathway.vocabulary import ClearanceStatus, ConsentKind, PlanFormat, PlanStatus
from kapcare.people.policy import Role
from kapcare.scheduling.hours import StaffSchedule, WorkingWindow
from kapcare.scheduling.rules import ClientInfo, PathwayFacts, StaffInfo
from kapcare.scheduling.tests import BM_MEDICINE, BM_THERAPY, BRYN_MAWR, MONITOR, THERAPIST

SECOND_THERAPIST = StaffInfo(106, frozenset({Role.THERAPIST}), frozenset({"PA"}), "Sol Second")
STAFF = (THERAPIST, SECOND_THERAPIST, MONITOR)
MONDAY = dt.date(2026, 3, 2)


def b(activity: str, minutes: int = 60, modality: str = "in_person") -> dict[str, Any]:
    return {"activity": activity, "minutes": minutes, "modality": modality}


THREE_DAYS = [
    [b("preparation", 90), b("parts_work"), b("closure", 30)],
    [b("medicine", 180), b("integration"), b("closure", 30)],
    [b("emdr", 90, "telehealth"), b("integration"), b("closure", 30, "telehealth")],
]


def weekday_hours(*staff: StaffInfo, start: int = 8, end: int = 18) -> StaffSchedule:
    return StaffSchedule(
        tuple(
            WorkingWindow(s.id, BRYN_MAWR.id, day, dt.time(start), dt.time(end))
            for s in staff
            for day in range(5)
        )
    )


def ready_pathway(**changes: Any) -> PathwayFacts:
    facts = PathwayFacts(
        plan=TreatmentPlan(PlanFormat.INTENSIVE, PlanStatus.ACTIVE),
        consents=(Consent(ConsentKind.KAP_INFORMED_CONSENT, MONDAY - dt.timedelta(days=30)),),
        clearances=(
            Clearance(
                ClearanceStatus.CLEARED,
                MONDAY + dt.timedelta(days=90),
                dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
            ),
        ),
        dose_orders=(DoseOrder(MONDAY - dt.timedelta(days=20)),),
    )
    return dataclasses.replace(facts, **changes)


def intensive(client_id: int = 500, pattern: object = None, **changes: Any) -> ClientIntensive:
    made = ClientIntensive(
        client=ClientInfo(client_id, "PA"),
        days=read_pattern(THREE_DAYS if pattern is None else pattern),
        approved_dosing_days=frozenset({2}),
        earliest_start=MONDAY,
        pathway=ready_pathway(),
    )
    return dataclasses.replace(made, **changes)


def problem(*intensives: ClientIntensive, **changes: Any) -> PlanningProblem:
    made = PlanningProblem(
        intensives=intensives or (intensive(),),
        start=MONDAY,
        staff=STAFF,
        locations=(BRYN_MAWR,),
        rooms=(BM_MEDICINE, BM_THERAPY),
        schedule=weekday_hours(*STAFF),
    )
    return dataclasses.replace(made, **changes)
