"""The shape of a generated practice: how many places, rooms and staff for N clients.

Pure Python. Staff grow in proportion to the clients: a therapist sees one client per
weekly *lane* (one of 40 hour-long slots, Monday to Friday 08:00-16:00) and a lane
holds one client after another over the years, so 250 clients per therapist is about
two years of a full caseload. Each location has eight therapists (each with their own
therapy room), four medicine rooms each with its own monitor, a medical provider and
the front desk. Rooms are never shared, so by construction nobody is booked twice.
"""

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass

__all__ = [
    "LANES",
    "MEDICINE_SLOTS",
    "TIME_ZONE",
    "TOWNS",
    "WORKDAY",
    "ZONE",
    "LocationPlan",
    "Shape",
    "locations_for",
]

LANES: tuple[tuple[int, int], ...] = tuple((day, hour) for day in range(5) for hour in range(8, 16))
"""(ISO weekday from 0, local start hour) of each weekly one-hour lane of a therapist."""

MEDICINE_SLOTS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(8), dt.time(11)),
    (dt.time(11, 30), dt.time(14, 30)),
    (dt.time(15), dt.time(18)),
)
"""The three medicine sessions a medicine room holds in a day (local time)."""

WORKDAY = (dt.time(8), dt.time(18))
TIME_ZONE = "America/New_York"
ZONE = zoneinfo.ZoneInfo(TIME_ZONE)

# Towns in states of the Eastern time zone (synthetic offices; the addresses are made up).
TOWNS: tuple[tuple[str, str, str], ...] = (
    ("Ardmore", "PA", "19003"),
    ("Lancaster", "PA", "17601"),
    ("Princeton", "NJ", "08540"),
    ("Wilmington", "DE", "19801"),
    ("Doylestown", "PA", "18901"),
    ("Camden", "NJ", "08101"),
    ("Media", "PA", "19063"),
    ("Trenton", "NJ", "08608"),
    ("Reading", "PA", "19601"),
    ("Newark", "DE", "19711"),
    ("Allentown", "PA", "18101"),
    ("Hoboken", "NJ", "07030"),
    ("Baltimore", "MD", "21201"),
    ("Scranton", "PA", "18503"),
    ("Annapolis", "MD", "21401"),
    ("Harrisburg", "PA", "17101"),
    ("Montclair", "NJ", "07042"),
    ("Dover", "DE", "19901"),
    ("Erie", "PA", "16501"),
    ("Frederick", "MD", "21701"),
    ("York", "PA", "17401"),
    ("Morristown", "NJ", "07960"),
    ("Bethlehem", "PA", "18015"),
    ("Rockville", "MD", "20850"),
)


@dataclass(frozen=True)
class Shape:
    """How staff and rooms grow with the clients (the defaults describe a busy network)."""

    clients_per_therapist: int = 250
    therapists_per_location: int = 8
    medicine_rooms_per_location: int = 4
    kap_share: float = 0.7  # clients whose plan includes KAP (the rest: therapy only)
    telehealth_share: float = 0.3  # lane sessions held by video
    future_weeks: int = 6  # every lane's last client is booked this far ahead

    def therapists(self, clients: int) -> int:
        return max(1, math.ceil(clients / self.clients_per_therapist))

    def locations(self, clients: int) -> int:
        return max(1, math.ceil(self.therapists(clients) / self.therapists_per_location))


@dataclass(frozen=True)
class LocationPlan:
    index: int
    name: str
    city: str
    state: str
    postal_code: str
    therapists: int  # how many therapists work here
    first_client: int  # index of its first client (0-based, practice-wide)
    clients: int  # how many clients it holds


def locations_for(clients: int, shape: Shape) -> list[LocationPlan]:
    """The locations of a practice of ``clients``, each with its therapists and clients."""
    therapists = shape.therapists(clients)
    plans = []
    first_therapist = 0
    for index in range(shape.locations(clients)):
        here = min(shape.therapists_per_location, therapists - first_therapist)
        first = first_therapist * clients // therapists
        last = (first_therapist + here) * clients // therapists
        town, state, postal = TOWNS[index % len(TOWNS)]
        round_ = index // len(TOWNS)
        name = f"{town} office" + (f" {round_ + 1}" if round_ else "")
        plans.append(LocationPlan(index, name, town, state, postal, here, first, last - first))
        first_therapist += here
    return plans
