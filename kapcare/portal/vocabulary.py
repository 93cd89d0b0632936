"""The portal's words: what the care team is told, and their labels. Pure Python."""

from enum import StrEnum

__all__ = [
    "CRISIS_WORDS",
    "ENTRY_LABELS",
    "FIT_ANSWER_LABELS",
    "FIT_STATEMENTS",
    "INVITATION_STATUS_LABELS",
    "MAILED_NOTICES",
    "NOTICE_LABELS",
    "EntryKind",
    "FitAnswer",
    "InvitationStatus",
    "NoticeKind",
]


class NoticeKind(StrEnum):
    """Something a client did in the portal that their care team should know."""

    CONSENT_SIGNED = "consent_signed"
    CONSENT_REVOKED = "consent_revoked"
    PAUSE_REQUESTED = "pause_requested"
    INTAKE_SUBMITTED = "intake_submitted"
    JOURNAL_SHARED = "journal_shared"
    INTENTIONS_SHARED = "intentions_shared"
    LOCATION_UNLICENSED = "location_unlicensed"
    MEDICINE_SESSION_REQUESTED = "medicine_session_requested"
    SESSION_CANCELLED = "session_cancelled"
    SESSION_BOOKED = "session_booked"


NOTICE_LABELS = {
    NoticeKind.CONSENT_SIGNED: "signed a consent document",
    NoticeKind.CONSENT_REVOKED: "revoked a consent",
    NoticeKind.PAUSE_REQUESTED: "asked to pause the KAP plan",
    NoticeKind.INTAKE_SUBMITTED: "sent their intake",
    NoticeKind.JOURNAL_SHARED: "shared a journal entry",
    NoticeKind.INTENTIONS_SHARED: "shared their intentions for a medicine session",
    NoticeKind.LOCATION_UNLICENSED: (
        "is somewhere their video session cannot be held (no licence there)"
    ),
    NoticeKind.MEDICINE_SESSION_REQUESTED: "asked for a medicine session",
    NoticeKind.SESSION_CANCELLED: "cancelled a session",
    NoticeKind.SESSION_BOOKED: "booked a session",
}

MAILED_NOTICES = frozenset(
    {
        NoticeKind.SESSION_BOOKED,
        NoticeKind.SESSION_CANCELLED,
        NoticeKind.MEDICINE_SESSION_REQUESTED,
    }
)
"""What the care team is also told by e-mail: changes to the calendar they must act on
(the rest waits on the home page)."""


class EntryKind(StrEnum):
    """What a client writes in the portal around a medicine session: intentions before it,
    an integration journal after it."""

    INTENTION = "intention"
    JOURNAL = "journal"


ENTRY_LABELS = {
    EntryKind.INTENTION: "Intentions",
    EntryKind.JOURNAL: "Journal entry",
}


class InvitationStatus(StrEnum):
    """Where a portal invitation stands (derived from its times, never stored)."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


INVITATION_STATUS_LABELS = {
    InvitationStatus.QUEUED: "being sent",
    InvitationStatus.SENT: "sent, waiting for the client",
    InvitationStatus.FAILED: "could not be sent",
    InvitationStatus.EXPIRED: "expired unused",
    InvitationStatus.ACCEPTED: "accepted",
    InvitationStatus.REVOKED: "replaced or withdrawn",
}


class FitAnswer(StrEnum):
    """The client's answer to one "who might benefit" statement (informs, never gates)."""

    FITS = "fits"
    NOT_SURE = "not_sure"
    NOT_ME = "not_me"


FIT_ANSWER_LABELS = {
    FitAnswer.FITS: "This fits me",
    FitAnswer.NOT_SURE: "Not sure",
    FitAnswer.NOT_ME: "Not me",
}

# The program's "Who might benefit" statements, in its own words, by the intake's field.
FIT_STATEMENTS = {
    "fit_stuck": "You understand your relationship patterns but still feel emotionally stuck",
    "fit_fear": "Breakups or intimacy activate overwhelming fear or collapse",
    "fit_harm": "You've experienced emotional abuse or chronic relational harm",
    "fit_unfamiliar": "Safe relationships feel unfamiliar or unreachable",
}


CRISIS_WORDS = (
    "Some of your answers tell us things are hard right now. Your care team has been told"
    " and will reach out to you. They do not read answers straight away. If you are"
    " thinking about harming yourself, or feel you might not stay safe, please reach out"
    " now: call or text 988 (the 988 Suicide & Crisis Lifeline, any time, day or night),"
    " or call 911 or go to the nearest emergency department."
)
"""What a client whose answers raised a safety flag reads at once (the API's words; the
page says the same with links to call)."""
