"""A busy intensive month for the planner benchmark: 20 clients, five-day intensives,
8 staff (5 therapists, 3 monitors) and 4 rooms (a medicine room and a therapy room at
each of two offices). Pure data, built the same way every run."""

import datetime as dt

from kapcare.intensives.pattern import read_pattern
from kapcare.intensives.planner import ClientIntensive, PlanningProblem
from kapcare.pathway.rules import Clearance, Consent, DoseOrder, TreatmentPlan
from kapcare.pathway.vocabulary import ClearanceStatus, ConsentKind, PlanFormat, PlanStatus
from kapcare.people.policy import Role
from kapcare.people.vocabulary import RoomKind
from kapcare.scheduling.hours import Absence, StaffSchedule, WorkingWindow
from kapcare.scheduling.rules import ClientInfo, LocationInfo, PathwayFacts, RoomInfo, StaffInfo

__all__ = ["CLIENTS", "intensive_month"]

CLIENTS = 20
MONDAY = dt.date(2030, 1, 7)
ZONE = "America/New_York"
BRYN_MAWR = LocationInfo(1, "PA", ZONE, True, "Bryn Mawr office")
PHILADELPHIA = LocationInfo(2, "PA", ZONE, True, "Philadelphia office")
ROOMS = (
    RoomInfo(10, 1, RoomKind.MEDICINE, "Medicine"),
    RoomInfo(11, 1, RoomKind.THERAPY, "Willow"),
    RoomInfo(20, 2, RoomKind.MEDICINE, "Medicine"),
    RoomInfo(21, 2, RoomKind.THERAPY, "Oak"),
)
PA_NJ = frozenset({"PA", "NJ"})
THERAPISTS = tuple(
    StaffInfo(100 + i, frozenset({Role.THERAPIST}), PA_NJ, f"Therapist {i}") for i in range(5)
)
MONITORS = tuple(
    StaffInfo(200 + i, frozenset({Role.MONITOR}), PA_NJ, f"Monitor {i}") for i in range(3)
)
# Where each works on weekdays 08:00-19:00: three therapists and two monitors at Bryn
# Mawr, the others in Philadelphia; therapist 2 works in Philadelphia on Fridays.
HOME = {100: 1, 101: 1, 102: 1, 103: 2, 104: 2, 200: 1, 201: 1, 202: 2}


def _block(activity: str, minutes: int, modality: str = "in_person") -> dict[str, object]:
    return {"activity": activity, "minutes": minutes, "modality": modality}


FIVE_DAYS = read_pattern(
    [
        [_block("preparation", 90), _block("parts_work", 60), _block("closure", 30)],
        [_block("medicine", 180), _block("integration", 60), _block("closure", 30)],
        [_block("emdr", 90), _block("integration", 60, "telehealth"), _block("closure", 30)],
        [_block("medicine", 180), _block("integration", 60), _block("closure", 30)],
        [_block("parts_work", 60), _block("integration", 60), _block("closure", 30)],
    ]
)


def _schedule() -> StaffSchedule:
    windows = tuple(
        WorkingWindow(
            staff_id,
            2 if staff_id == 102 and day == 4 else location_id,
            day,
            dt.time(8),
            dt.time(19),
            ZONE,
        )
        for staff_id, location_id in HOME.items()
        for day in range(5)
    )
    # Therapist 1 is away the second week.
    second_week = dt.datetime.combine(MONDAY + dt.timedelta(days=7), dt.time(), dt.UTC)
    away = (Absence(101, second_week, second_week + dt.timedelta(days=5)),)
    return StaffSchedule(windows, away)


def _pathway() -> PathwayFacts:
    return PathwayFacts(
        plan=TreatmentPlan(PlanFormat.INTENSIVE, PlanStatus.ACTIVE),
        consents=(Consent(ConsentKind.KAP_INFORMED_CONSENT, MONDAY - dt.timedelta(days=30)),),
        clearances=(
            Clearance(
                ClearanceStatus.CLEARED,
                MONDAY + dt.timedelta(days=120),
                dt.datetime(2029, 12, 1, tzinfo=dt.UTC),
            ),
        ),
        dose_orders=(DoseOrder(MONDAY - dt.timedelta(days=20)),),
    )


def intensive_month(clients: int = CLIENTS) -> PlanningProblem:
    """``clients`` intensives, five a week asked for over four weeks, each client
    preferring one therapist (in turn)."""
    intensives = tuple(
        ClientIntensive(
            client=ClientInfo(1000 + i, "PA"),
            days=FIVE_DAYS,
            approved_dosing_days=frozenset({2, 4}),
            earliest_start=MONDAY + dt.timedelta(days=7 * (i // 5)),
            pathway=_pathway(),
            preferred_staff=frozenset({THERAPISTS[i % 5].id}),
        )
        for i in range(clients)
    )
    return PlanningProblem(
        intensives=intensives,
        start=MONDAY,
        staff=THERAPISTS + MONITORS,
        locations=(BRYN_MAWR, PHILADELPHIA),
        rooms=ROOMS,
        schedule=_schedule(),
        horizon_days=42,
        day_ends_by=dt.time(19),
    )
