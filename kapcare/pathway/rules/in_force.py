"""What of the pathway's records is in force on a date, as pure functions over plain data.

The booking rules (``scheduling.rules``), the checks at the moment of a dose and the
chart's readiness all ask these the same questions: is a KAP informed consent in force,
is the client cleared, is a dose order active, are there unreviewed risk flags. Each
``*_problem`` answers the plain sentence the person acting reads, or None when all is
well; the rule codes are the caller's (``scheduling.vocabulary.Rule``). Nothing here
touches the database or the clock: callers pass the records and the date.

``medicine.requires_clearance``: the *most recently recorded* clearance decides (a later
"not cleared" overrides an earlier "cleared"); it must be ``cleared`` with
``valid_until`` on or after the date (expiring that day is fine, the day before is not).
``medicine.requires_consent``: some ``kap_informed_consent`` signed on or before the
date and not revoked on or before it. ``medicine.dose_order_required``: some dose order
active on the date (both ends inclusive, open-ended without ``active_to``).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kapcare.core.wording import fmt_date
from kapcare.pathway.vocabulary import ClearanceStatus, ConsentKind, PlanFormat, PlanStatus

__all__ = [
    "CLEARANCE_WORDS",
    "Clearance",
    "Consent",
    "DoseOrder",
    "TreatmentPlan",
    "clearance_in_force",
    "clearance_problem",
    "consent_in_force",
    "consent_problem",
    "dose_order_in_force",
    "dose_order_problem",
    "latest_clearances",
    "risk_problem",
]


@dataclass(frozen=True)
class TreatmentPlan:
    format: PlanFormat
    status: PlanStatus


@dataclass(frozen=True)
class Consent:
    kind: ConsentKind
    signed_on: dt.date
    revoked_on: dt.date | None = None
    version: str = ""


@dataclass(frozen=True)
class Clearance:
    status: ClearanceStatus
    valid_until: dt.date
    recorded_at: dt.datetime
    """When the medical provider recorded it: the latest decision governs."""


@dataclass(frozen=True)
class DoseOrder:
    active_from: dt.date
    active_to: dt.date | None = None


def consent_in_force(consents: Iterable[Consent], on: dt.date) -> bool:
    """A KAP informed consent signed on or before ``on`` and not revoked on or before it."""
    return any(
        c.kind is ConsentKind.KAP_INFORMED_CONSENT
        and c.signed_on <= on
        and (c.revoked_on is None or c.revoked_on > on)
        for c in consents
    )


def consent_problem(consents: Sequence[Consent], on: dt.date) -> str | None:
    if consent_in_force(consents, on):
        return None
    kap = [c for c in consents if c.kind is ConsentKind.KAP_INFORMED_CONSENT]
    fix = "Have the client review and sign the KAP informed consent before the medicine session."
    revoked = [c.revoked_on for c in kap if c.revoked_on is not None and c.revoked_on <= on]
    if revoked:
        return (
            f"The client revoked the KAP informed consent on {fmt_date(max(revoked))}. "
            "A medicine session needs a newly signed consent; book it only if the client "
            "chooses to sign again."
        )
    later = [c.signed_on for c in kap if c.signed_on > on]
    if later:
        return (
            f"The KAP informed consent on file was signed on {fmt_date(min(later))}, after "
            f"the session date ({fmt_date(on)}). {fix}"
        )
    return f"No signed KAP informed consent is on file. {fix}"


def latest_clearances(clearances: Sequence[Clearance]) -> list[Clearance]:
    if not clearances:
        return []
    latest = max(c.recorded_at.astimezone(dt.UTC) for c in clearances)
    return [c for c in clearances if c.recorded_at.astimezone(dt.UTC) == latest]


def clearance_in_force(clearances: Iterable[Clearance], on: dt.date) -> bool:
    """The latest recorded clearance is ``cleared`` and valid on ``on`` (inclusive)."""
    latest = latest_clearances(list(clearances))
    return bool(latest) and all(
        c.status is ClearanceStatus.CLEARED and c.valid_until >= on for c in latest
    )


CLEARANCE_WORDS = {
    ClearanceStatus.NOT_CLEARED: "not cleared",
    ClearanceStatus.NEEDS_INFORMATION: "needs more information",
}


def clearance_problem(clearances: Sequence[Clearance], on: dt.date) -> str | None:
    if clearance_in_force(clearances, on):
        return None
    latest = latest_clearances(clearances)
    if not latest:
        return (
            "No medical clearance is on file. A medical provider must review the medical "
            "screening and record a clearance before a medicine session can be booked."
        )
    refused = sorted({c.status for c in latest if c.status is not ClearanceStatus.CLEARED})
    if refused:
        words = " / ".join(CLEARANCE_WORDS[s] for s in refused)
        return (
            f"The latest medical clearance says '{words}'. A medical provider must record "
            "a clearance before a medicine session can be booked."
        )
    until = min(c.valid_until for c in latest)
    return (
        f"The medical clearance is valid until {fmt_date(until)}, before the session date "
        f"({fmt_date(on)}). Ask the medical provider to renew it, or book the session on "
        f"or before {fmt_date(until)}."
    )


def dose_order_in_force(orders: Iterable[DoseOrder], on: dt.date) -> bool:
    """Some dose order is active on ``on`` (both ends inclusive)."""
    return any(o.active_from <= on and (o.active_to is None or o.active_to >= on) for o in orders)


def dose_order_problem(orders: Sequence[DoseOrder], on: dt.date) -> str | None:
    if dose_order_in_force(orders, on):
        return None
    if not orders:
        return (
            "No dose order is on file. The medical provider must write a dose order "
            "before the medicine session."
        )
    return (
        f"No dose order is active on the session date ({fmt_date(on)}). Ask the medical "
        "provider to write a new dose order or extend the current one."
    )


def risk_problem(unreviewed: int) -> str | None:
    if unreviewed <= 0:
        return None
    if unreviewed == 1:
        flags, them = "is an open risk flag", "it"
    else:
        flags, them = f"are {unreviewed} open risk flags", "them"
    return (
        f"There {flags} that a clinician has not reviewed yet. A clinician on the care team "
        f"must review {them} before a medicine session can go ahead."
    )
