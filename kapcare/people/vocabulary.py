"""The practice's words: kinds of room, a client's status, the stages of the pathway.

Pure Python, one enum per concept with its label (as ``policy.Role`` has), used alike by
the models (choices and check constraints), the pure rules, the API schemas and the
pages. The values are what the API sends and the database stores: a stable contract.
"""

from enum import StrEnum

__all__ = [
    "CARE_TEAM_CHANGE_KIND_LABELS",
    "CLIENT_STATUS_LABELS",
    "ROOM_KIND_LABELS",
    "STAGE_LABELS",
    "CareTeamChangeKind",
    "ClientStatus",
    "PathwayStage",
    "RoomKind",
]


class RoomKind(StrEnum):
    THERAPY = "therapy"
    MEDICINE = "medicine"

    @property
    def label(self) -> str:
        return ROOM_KIND_LABELS[self]


ROOM_KIND_LABELS: dict[RoomKind, str] = {
    RoomKind.THERAPY: "Therapy room",
    RoomKind.MEDICINE: "Medicine room",
}


class ClientStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return CLIENT_STATUS_LABELS[self]


CLIENT_STATUS_LABELS: dict[ClientStatus, str] = {
    ClientStatus.ACTIVE: "Active",
    ClientStatus.PAUSED: "Paused",
    ClientStatus.CLOSED: "Closed",
}


class PathwayStage(StrEnum):
    """Where a client is on the care pathway of DESIGN.md."""

    CONSULTATION = "consultation"
    SCREENING = "screening"
    PLANNING = "planning"
    PREPARATION = "preparation"
    MEDICINE = "medicine"
    INTEGRATION = "integration"
    ONGOING = "ongoing"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS: dict[PathwayStage, str] = {
    PathwayStage.CONSULTATION: "Inquiry and consultation",
    PathwayStage.SCREENING: "Screening",
    PathwayStage.PLANNING: "Treatment planning",
    PathwayStage.PREPARATION: "Preparation",
    PathwayStage.MEDICINE: "Medicine sessions",
    PathwayStage.INTEGRATION: "Integration",
    PathwayStage.ONGOING: "Ongoing measurement",
}


class CareTeamChangeKind(StrEnum):
    """What happened to a care team: someone joined it or left it."""

    ADDED = "added"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return CARE_TEAM_CHANGE_KIND_LABELS[self]


CARE_TEAM_CHANGE_KIND_LABELS: dict[CareTeamChangeKind, str] = {
    CareTeamChangeKind.ADDED: "Added",
    CareTeamChangeKind.REMOVED: "Removed",
}
