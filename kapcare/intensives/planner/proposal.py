"""A plan as bookings, checked by the booking rules, and measured. Pure Python.

:func:`as_requests` turns placed blocks into the requests the booking service takes (the
shape of ``POST /api/v1/appointments``): each medicine session carries the integration
block after it as its ``follow_up``, which is how ``medicine.requires_integration`` is
met at booking. :func:`verify` runs the booking check (``rules.check_appointment`` and
``hours.check_staff_availability``, the pair the booking service applies) on each
request in order, as if the ones before it were booked: a plan the rules would refuse
is a planner bug, never an answer. :func:`quality` measures a plan the way the
objective does, so the optimal and the greedy plan compare on the same scale.
"""

import dataclasses
import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from kapcare.core.violations import Violation
from kapcare.intensives.planner.facts import PlanningProblem
from kapcare.intensives.planner.grid import SLOT_MINUTES, SLOTS_PER_DAY
from kapcare.intensives.planner.placed import Placed
from kapcare.intensives.planner.prepared import Prepared
from kapcare.intensives.vocabulary import Activity
from kapcare.scheduling.hours import check_staff_availability
from kapcare.scheduling.requests import AppointmentRequest, FollowUpRequest, parts_of
from kapcare.scheduling.rules import Appointment, ProposedAppointment, check_appointment
from kapcare.scheduling.vocabulary import AppointmentStatus, Modality, Subject

__all__ = ["Quality", "as_requests", "quality", "verify"]


def _attested(x: Placed, located: Mapping[int, str | None]) -> str | None:
    """A virtual block carries where the client will be, for the booking rules to check."""
    return located.get(x.client_id) if x.block.modality is Modality.TELEHEALTH else None


def _follow_up(x: Placed, located: Mapping[int, str | None]) -> FollowUpRequest:
    return FollowUpRequest(
        kind=x.block.kind,
        modality=x.block.modality,
        start=x.start,
        end=x.end,
        staff_ids=x.staff_ids,
        location_id=x.location_id,
        room_id=x.room_id,
        client_location_state=_attested(x, located),
    )


def as_requests(
    placed: tuple[Placed, ...], located: Mapping[int, str | None] | None = None
) -> list[AppointmentRequest]:
    """The plan as booking requests, in the order they can be booked (by start).

    ``located``: per client id, the state the client will be in during virtual blocks
    (absent or None: the home state applies, as at any booking).
    """
    located = located or {}
    by_client: dict[int, list[Placed]] = defaultdict(list)
    for x in placed:
        by_client[x.client_id].append(x)
    requests = []
    for client_id, blocks in by_client.items():
        blocks.sort(key=lambda x: x.start)
        taken: set[int] = set()
        for i, x in enumerate(blocks):
            if i in taken:
                continue
            follow_up = None
            if x.block.is_medicine:
                j = next(
                    j
                    for j in range(i + 1, len(blocks))
                    if blocks[j].block.activity is Activity.INTEGRATION and j not in taken
                )
                taken.add(j)
                follow_up = _follow_up(blocks[j], located)
            requests.append(
                AppointmentRequest(
                    client_id=client_id,
                    kind=x.block.kind,
                    modality=x.block.modality,
                    start=x.start,
                    end=x.end,
                    staff_ids=x.staff_ids,
                    location_id=x.location_id,
                    room_id=x.room_id,
                    client_location_state=_attested(x, located),
                    follow_up=follow_up,
                )
            )
    requests.sort(key=lambda r: (r.start, r.client_id))
    return requests


def verify(problem: PlanningProblem, requests: list[AppointmentRequest]) -> list[Violation]:
    """Every booking rule the requests break, each checked as if the ones before were booked."""
    staff = {s.id: s for s in problem.staff}
    locations = {loc.id: loc for loc in problem.locations}
    rooms = {r.id: r for r in problem.rooms}
    intensives = {i.client.id: i for i in problem.intensives}
    booked: list[tuple[int, Appointment]] = []
    violations: list[Violation] = []

    def proposed(part: AppointmentRequest | FollowUpRequest) -> ProposedAppointment:
        return ProposedAppointment(
            kind=part.kind,
            modality=part.modality,
            start=part.start,
            end=part.end,
            staff=tuple(staff[i] for i in part.staff_ids),
            location=locations[part.location_id] if part.location_id is not None else None,
            room=rooms[part.room_id] if part.room_id is not None else None,
            client_location_state=part.client_location_state,
        )

    for request in requests:
        intensive = intensives[request.client_id]
        mine = tuple(a for c, a in booked if c == request.client_id)
        others = tuple(a for c, a in booked if c != request.client_id)
        main = proposed(request)
        follow = proposed(request.follow_up) if request.follow_up is not None else None
        violations += check_appointment(
            main,
            client=intensive.client,
            pathway=dataclasses.replace(
                intensive.pathway, appointments=intensive.pathway.appointments + mine
            ),
            calendar=problem.calendar + others,
            follow_up=follow,
            policy=problem.policy,
        )
        for part, subject in ((main, Subject.APPOINTMENT), (follow, Subject.FOLLOW_UP)):
            if part is not None:
                zone = (
                    part.location.time_zone
                    if part.location is not None
                    else problem.policy.time_zone.value
                )
                violations += check_staff_availability(
                    part, problem.schedule, time_zone=zone, subject=subject
                )
        for booked_part in parts_of(request):
            booked.append(
                (
                    request.client_id,
                    Appointment(
                        id=None,
                        kind=booked_part.kind,
                        status=AppointmentStatus.BOOKED,
                        start=booked_part.start,
                        end=booked_part.end,
                        staff_ids=frozenset(booked_part.staff_ids),
                        room_id=booked_part.room_id,
                    ),
                )
            )
    return violations


@dataclass(frozen=True)
class Quality:
    """How good a plan is, term by term (the objective is their weighted sum)."""

    objective: int
    therapists: int
    """Therapists summed over clients (one each is the best)."""
    same_therapist_rate: float
    """Share of clients who see one therapist through the whole intensive."""
    not_preferred: int
    days_to_start: int
    """Days after each client's earliest start, summed."""
    room_changes: int
    late_days: int


def quality(prepared: Prepared, placed: tuple[Placed, ...]) -> Quality:
    problem, grid, w = prepared.problem, prepared.grid, prepared.problem.weights
    by_client: dict[int, list[Placed]] = defaultdict(list)
    for x in placed:
        by_client[x.client_id].append(x)
    kinds = {r.id: r.kind for r in problem.rooms}
    therapists = not_preferred = delay = changes = late = 0
    single = 0
    for index, intensive in enumerate(problem.intensives):
        blocks = sorted(by_client[intensive.client.id], key=lambda x: x.start)
        used = {x.therapist for x in blocks}
        therapists += len(used)
        single += len(used) == 1
        preferred = intensive.preferred_staff
        mine = [t for t in prepared.tasks if t.client == index]
        prefers_therapist = bool(preferred & {s for t in mine for s in t.therapists})
        prefers_monitor = bool(preferred & {s for t in mine for s in t.monitors})
        for x in blocks:
            not_preferred += prefers_therapist and x.therapist not in preferred
            if x.monitor is not None:
                not_preferred += prefers_monitor and x.monitor not in preferred
        first_day = grid.floor(blocks[0].start) // SLOTS_PER_DAY if blocks else 0
        delay += first_day - prepared.earliest_day(index) if blocks else 0
        for a, b in itertools.pairwise(blocks):
            if (
                a.day == b.day
                and a.room_id is not None
                and b.room_id is not None
                and a.room_id != b.room_id
                and kinds[a.room_id] is kinds[b.room_id]
            ):
                changes += 1
        wish = intensive.day_ends_by or problem.day_ends_by
        limit = (wish.hour * 60 + wish.minute) // SLOT_MINUTES
        for day in {x.day for x in blocks}:
            last = [x for x in blocks if x.day == day][-1]
            end = grid.ceil(last.end) - grid.floor(last.start) // SLOTS_PER_DAY * SLOTS_PER_DAY
            late += end > limit
    objective = (
        w.extra_therapist * therapists
        + w.not_preferred * not_preferred
        + w.day_of_delay * delay
        + w.room_change * changes
        + w.late_day * late
    )
    return Quality(
        objective=objective,
        therapists=therapists,
        same_therapist_rate=single / len(problem.intensives) if problem.intensives else 1.0,
        not_preferred=not_preferred,
        days_to_start=delay,
        room_changes=changes,
        late_days=late,
    )
