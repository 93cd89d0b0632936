"""Practice policy for scheduling: every number the booking rules use, with its source.

Nothing about KAP itself is regulated (see ``CLINICAL.md``), so each parameter is a
practice setting with a default and the place that default comes from. A practice
changes a value by building a new policy with :func:`dataclasses.replace` and a new
:class:`Setting` whose ``source`` says who changed it and why; the service that stores
it writes the audit entry. Pure Python: no Django imports.
"""

import dataclasses
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from kapcare.pathway.vocabulary import PlanFormat
from kapcare.people.states import US_STATES

__all__ = [
    "DEFAULT_POLICY",
    "MedicineSpacing",
    "PathwayParameters",
    "SchedulingPolicy",
    "Setting",
    "SpacingMeasure",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One policy value and where it comes from (a reference, or who changed it)."""

    value: T
    source: str

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise ValueError("Every policy setting needs a source.")


class SpacingMeasure(StrEnum):
    """How the days between two medicine sessions are counted.

    ``wall_clock``: start to start on the location's wall clock, so "7 days" is the same
    local time a week later, whatever daylight saving time does in between.
    ``calendar_day``: by calendar date in the location's time zone, so "1 day" means
    no two medicine sessions on the same date.
    """

    WALL_CLOCK = "wall_clock"
    CALENDAR_DAY = "calendar_day"


@dataclass(frozen=True)
class MedicineSpacing:
    days: int
    measure: SpacingMeasure

    def __post_init__(self) -> None:
        if self.days < 0:
            raise ValueError("Medicine session spacing cannot be negative.")

    def describe(self) -> str:
        if self.measure is SpacingMeasure.CALENDAR_DAY:
            if self.days == 1:
                return "at most one medicine session a day"
            return f"medicine sessions at least {self.days} calendar days apart"
        unit = "day" if self.days == 1 else "days"
        return f"medicine sessions at least {self.days} {unit} apart"


@dataclass(frozen=True)
class PathwayParameters:
    """The parameters that depend on the treatment plan's format."""

    preparation_sessions: Setting[int]
    integration_within_days: Setting[int]
    medicine_spacing: Setting[MedicineSpacing]

    def __post_init__(self) -> None:
        if self.preparation_sessions.value < 0:
            raise ValueError("The number of preparation sessions cannot be negative.")
        if self.integration_within_days.value < 0:
            raise ValueError("The integration window cannot be negative.")


_CLIENT_CANCEL_SOURCE = (
    "Practice policy, not clinical: psychotherapy practices commonly ask for 24 hours' "
    "notice to cancel; within it a client calls the practice (issue 11: cancel within the "
    "practice's notice rules)"
)


@dataclass(frozen=True)
class SchedulingPolicy:
    ongoing: PathwayParameters
    intensive: PathwayParameters
    telehealth_states: Setting[frozenset[str]]
    """States where the practice offers virtual sessions (clients located there)."""
    time_zone: Setting[str]
    """The practice's zone, for sessions without a location (telehealth)."""
    client_cancel_notice_hours: Setting[int] = Setting(24, _CLIENT_CANCEL_SOURCE)
    """How long before a session a client may still cancel it in the portal."""

    def __post_init__(self) -> None:
        if self.client_cancel_notice_hours.value < 0:
            raise ValueError("The notice a client gives to cancel cannot be negative.")
        unknown = sorted(self.telehealth_states.value - US_STATES.keys())
        if unknown:
            raise ValueError(f"Unknown state codes in telehealth states: {', '.join(unknown)}.")
        try:
            zoneinfo.ZoneInfo(self.time_zone.value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"{self.time_zone.value!r} is not an IANA time zone.") from error

    def for_format(self, plan_format: PlanFormat) -> PathwayParameters:
        if plan_format is PlanFormat.INTENSIVE:
            return self.intensive
        return self.ongoing

    def settings(self) -> list[tuple[str, object, str]]:
        """Every setting as (name, value, source), for the settings page and audit."""
        rows: list[tuple[str, object, str]] = []
        for fmt in PlanFormat:
            params = self.for_format(fmt)
            for field in dataclasses.fields(params):
                setting = getattr(params, field.name)
                rows.append((f"{fmt.value}.{field.name}", setting.value, setting.source))
        rows.append(
            ("telehealth_states", self.telehealth_states.value, self.telehealth_states.source)
        )
        rows.append(("time_zone", self.time_zone.value, self.time_zone.source))
        notice = self.client_cancel_notice_hours
        rows.append(("client_cancel_notice_hours", notice.value, notice.source))
        return rows


_PREPARATION_SOURCE = (
    "CLINICAL.md, pathway parameters: preparation sessions before first dose, "
    "ongoing 2, intensive 1 (practice reports range 1-3; ASKP3 standards 2020: >= 1)"
)
_INTEGRATION_SOURCE = (
    "CLINICAL.md, pathway parameters: integration after each medicine session within "
    "7 days (ongoing), 2 days (intensive); practices: 1-3 days after IM, 1-7 after oral/SL"
)
_SPACING_SOURCE_ONGOING = (
    "CLINICAL.md, pathway parameters: medicine sessions per week, ongoing <= 1 "
    "(7 days apart); Journey Clinical: usually <= 1/week"
)
_SPACING_SOURCE_INTENSIVE = (
    "DESIGN.md, rules: min spacing for intensives is one medicine session a day; "
    "CLINICAL.md: consecutive-day dosing needs the medical provider's explicit approval"
)

DEFAULT_POLICY = SchedulingPolicy(
    ongoing=PathwayParameters(
        preparation_sessions=Setting(2, _PREPARATION_SOURCE),
        integration_within_days=Setting(7, _INTEGRATION_SOURCE),
        medicine_spacing=Setting(
            MedicineSpacing(7, SpacingMeasure.WALL_CLOCK), _SPACING_SOURCE_ONGOING
        ),
    ),
    intensive=PathwayParameters(
        preparation_sessions=Setting(1, _PREPARATION_SOURCE),
        integration_within_days=Setting(2, _INTEGRATION_SOURCE),
        medicine_spacing=Setting(
            MedicineSpacing(1, SpacingMeasure.CALENDAR_DAY), _SPACING_SOURCE_INTENSIVE
        ),
    ),
    telehealth_states=Setting(
        frozenset({"PA", "NJ"}),
        "DESIGN.md, locations (demo practice): virtual sessions for clients located in "
        "PA or NJ; CLINICAL.md, telehealth: the client's location decides jurisdiction",
    ),
    time_zone=Setting(
        "America/New_York",
        "DESIGN.md, data and standards: shown in the location's time zone (America/New_York)",
    ),
)
