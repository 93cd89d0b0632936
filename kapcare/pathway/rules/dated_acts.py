"""Dating the act that closes a pathway record, as one pure check.

A diagnosis is resolved, a plan's problem resolved, an intervention ended, a consent
revoked: each is an act on a date that a person types, and each is refused for the same
three reasons, asked in this order:

1. the date is after today (nobody records what has not happened yet);
2. the record was closed already (closing happens once; the first date stands);
3. the date is before the record began (noted, written, added or signed that day is
   fine, the day before is not).

Each service keeps its own words for the three refusals (a ``DatedAct``); the rule is
the same. Nothing here touches the database or the clock: callers pass today's date in
the practice's zone, the day the record began and the day it was closed, if it was.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CONSENT_REVOKED",
    "DIAGNOSIS_RESOLVED",
    "INTERVENTION_ENDED",
    "PROBLEM_RESOLVED",
    "DatedAct",
    "DatedActRefusal",
    "Refusal",
    "check_dated_act",
]


class Refusal(StrEnum):
    """Why a date for a closing act is refused, in the order the check asks."""

    IN_THE_FUTURE = "in_the_future"
    ALREADY_DONE = "already_done"
    BEFORE_START = "before_start"


@dataclass(frozen=True)
class DatedAct:
    """One closing act: the field its date is typed in and the sentence for each refusal."""

    field: str
    in_the_future: str
    already_done: str
    before_start: str

    def words(self, refusal: Refusal) -> str:
        return {
            Refusal.IN_THE_FUTURE: self.in_the_future,
            Refusal.ALREADY_DONE: self.already_done,
            Refusal.BEFORE_START: self.before_start,
        }[refusal]


@dataclass(frozen=True)
class DatedActRefusal:
    """The refusal, as the form and the API show it: beside ``field``."""

    refusal: Refusal
    field: str
    message: str


DIAGNOSIS_RESOLVED = DatedAct(
    field="resolved_on",
    in_the_future="A diagnosis cannot be resolved in the future.",
    already_done="This diagnosis is already resolved.",
    before_start="A diagnosis is resolved on or after the day it was noted.",
)
PROBLEM_RESOLVED = DatedAct(
    field="resolved_on",
    in_the_future="A problem cannot be resolved in the future.",
    already_done="This problem is already resolved.",
    before_start="A problem is resolved on or after the day it was written.",
)
INTERVENTION_ENDED = DatedAct(
    field="ended_on",
    in_the_future="An intervention cannot end in the future.",
    already_done="This intervention has already ended.",
    before_start="An intervention ends on or after the day it was added.",
)
CONSENT_REVOKED = DatedAct(
    field="revoked_on",
    in_the_future="A revocation cannot be dated in the future.",
    already_done="This consent is already revoked.",
    before_start="A consent cannot be revoked before it was signed.",
)


def check_dated_act(
    act: DatedAct,
    *,
    on: dt.date,
    today: dt.date,
    started_on: dt.date,
    done_on: dt.date | None,
) -> DatedActRefusal | None:
    """The first reason ``act`` may not be dated ``on`` (see the module's order), or
    None when it may: ``started_on`` is the day the record began, ``done_on`` the day
    it was closed already (None: still open)."""
    if on > today:
        refusal = Refusal.IN_THE_FUTURE
    elif done_on is not None:
        refusal = Refusal.ALREADY_DONE
    elif on < started_on:
        refusal = Refusal.BEFORE_START
    else:
        return None
    return DatedActRefusal(refusal=refusal, field=act.field, message=act.words(refusal))
