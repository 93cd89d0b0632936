"""Who may see a client virtually, and from where: the licensure rule of telehealth. Pure.

One rule for every place that decides it: the booking check
(``telehealth.client_location_unlicensed``) and the intensive planner, which offers a
virtual block only to therapists this rule allows, so that its proposals pass the
booking check by construction rather than by luck.

A virtual session happens, in law, where the client is during it: the state the client
attests for the session, else their home state. The practice must offer virtual sessions
there, and every clinician on the session must be licensed there.
"""

from collections.abc import Collection, Iterable

from kapcare.scheduling.rules.facts import StaffInfo

__all__ = ["may_see_virtually", "not_licensed_in", "virtual_session_state"]


def virtual_session_state(attested: str | None, home_state: str) -> str:
    """The state a virtual session counts as held in: the attested one, else home."""
    return attested if attested is not None else home_state


def not_licensed_in(state: str, staff: Iterable[StaffInfo]) -> list[StaffInfo]:
    """The clinicians who may not see a client located in ``state`` (by id)."""
    return sorted((s for s in staff if state not in s.licensed_states), key=lambda s: s.id)


def may_see_virtually(staff: StaffInfo, state: str, offered: Collection[str]) -> bool:
    """Whether ``staff`` may hold a virtual session with a client located in ``state``:
    the practice offers virtual sessions there and the clinician is licensed there."""
    return state in offered and not not_licensed_in(state, [staff])
