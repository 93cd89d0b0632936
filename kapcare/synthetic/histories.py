"""Each generated client's history, week by week, as rows ready to write.

One location at a time: its therapists' lanes (``layout.LANES``) hold one client after
another, each client a *programme* of weekly sessions (consultation, screening week,
two preparations, medicine sessions each followed by integration, then therapy). A
medicine session sits the day before the lane's integration (the Friday before, for a
Monday lane) in a free slot of one of the location's medicine rooms, with that room's
own monitor. So nobody — clinician, room, monitor or client — is ever booked twice, a
booked medicine session has what the booking rules ask (plan, consent, clearance, dose
order, two preparations, an integration within the week, a fortnight's spacing, no
open risk flag), and every lane ends ``Shape.future_weeks`` ahead with its last client's
sessions booked. Past sessions are completed (a few therapy sessions cancelled or
missed), completed medicine sessions have their record (checklist, vitals, dose,
observations, signatures), and measures are answered at consultation and integration.

Deterministic: every random choice comes from ``random.Random`` seeded by the seed and
the client's index, and every time from the anchor ``now``.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator

from kapcare.audit.models import AuditAction
from kapcare.people.policy import Category, Role
from kapcare.synthetic.layout import LANES, MEDICINE_SLOTS, ZONE, LocationPlan, Shape
from kapcare.synthetic.names import client_name
from kapcare.synthetic.records import Records, Week, programme
from kapcare.synthetic.rows import AuditRow, Batch, Ids, Person, Staffing

__all__ = ["LocationHistory"]

LANE_MINUTES = 50

__all__ = ["AuditRow", "Batch", "Ids", "LocationHistory", "Person", "Staffing"]


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=ZONE).astimezone(dt.UTC)


class LocationHistory:
    """The clients of one location, generated therapist by therapist."""

    def __init__(
        self,
        *,
        plan: LocationPlan,
        staffing: Staffing,
        shape: Shape,
        seed: int,
        now: dt.datetime,
        ids: Ids,
    ) -> None:
        self.plan = plan
        self.staff = staffing
        self.shape = shape
        self.seed = seed
        self.now = now
        self.ids = ids
        local_today = now.astimezone(ZONE).date()
        self.monday = local_today - dt.timedelta(days=local_today.weekday())
        self.taken: set[tuple[int, dt.date, int]] = set()  # (monitor index, date, slot)
        self.records = Records(staffing=staffing, seed=seed, now=now, ids=ids)

    # --- lanes ---------------------------------------------------------------------------

    def batches(self) -> Iterator[Batch]:
        count = self.plan.therapists
        for t, therapist in enumerate(self.staff.therapists):
            first = self.plan.first_client + t * self.plan.clients // count
            last = self.plan.first_client + (t + 1) * self.plan.clients // count
            yield self._therapist(therapist, range(first, last))

    def _therapist(self, therapist: Person, clients: range) -> Batch:
        batch = Batch(clients=len(clients))
        lanes: dict[int, list[tuple[int, random.Random, bool, list[Week], int]]] = defaultdict(list)
        for j, index in enumerate(clients):
            rng = random.Random(f"{self.seed}:{index}")
            kap = rng.random() < self.shape.kap_share
            gap = rng.choice((0, 0, 1, 2))
            lanes[j % len(LANES)].append((index, rng, kap, programme(rng, kap), gap))
        for lane, members in lanes.items():
            week = self.shape.future_weeks - sum(len(p) + gap for _, _, _, p, gap in members)
            for index, rng, kap, weeks, gap in members:
                week += gap
                self._client(batch, therapist, index, rng, kap, weeks, LANES[lane], week)
                week += len(weeks)
        return batch

    # --- one client ----------------------------------------------------------------------

    def _client(
        self,
        batch: Batch,
        therapist: Person,
        index: int,
        rng: random.Random,
        kap: bool,
        weeks: list[Week],
        lane: tuple[int, int],
        first_week: int,
    ) -> None:
        ids, now = self.ids, self.now
        day, hour = lane

        def lane_start(w: int) -> dt.datetime:
            date = self.monday + dt.timedelta(days=7 * (first_week + w) + day)
            return _local(date, dt.time(hour))

        consult = lane_start(0)
        created = min(consult - dt.timedelta(days=10), now - dt.timedelta(hours=1))
        given, family, pronouns = client_name(rng)
        telehealth = rng.random() < self.shape.telehealth_share
        client_id = batch.add(
            "client",
            ids,
            practice_id=self.staff.practice_id,
            legal_given_name=given,
            legal_family_name=family,
            preferred_name="",
            pronouns=pronouns,
            date_of_birth=dt.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            email=f"client{index}@example.org",
            phone=f"555-{index % 10000:04d}",
            home_state=self.plan.state,
            status="active",
            created_at=created,
            updated_at=created,
        )
        audit = batch.audit
        desk, medical = self.staff.front_desk, self.staff.medical
        audit.append(
            AuditRow(
                created,
                desk.user_id,
                client_id,
                AuditAction.CREATE,
                Category.DEMOGRAPHICS,
                "client",
            )
        )
        batch.add(
            "careteam",
            ids,
            client_id=client_id,
            staff_id=therapist.staff_id,
            role=Role.THERAPIST.value,
            added_at=created,
        )

        records_at = lane_start(1) + dt.timedelta(hours=1)
        has_records = kap and records_at <= now
        order_id = None
        if has_records:
            order_id = self.records.pathway(
                batch, client_id, therapist, lane_start(0), records_at, rng, telehealth
            )
            batch.add(
                "careteam",
                ids,
                client_id=client_id,
                staff_id=medical.staff_id,
                role=Role.MEDICAL_PROVIDER.value,
                added_at=records_at,
            )

        baseline = rng.uniform(0.35, 0.85)
        measured = 0
        medicines: list[int] = []
        for w, week in enumerate(weeks):
            start = lane_start(w)
            kind = week.kind
            medicine_id = None
            if week.medicine:
                if has_records:
                    medicine_id = self._medicine(batch, client_id, start, rng, order_id)
                if medicine_id is None:
                    kind = "therapy"  # no slot, or no clearance yet: a therapy session instead
                else:
                    medicines.append(medicine_id)
            modality = "telehealth" if telehealth and kind != "consultation" else "in_person"
            status, changed_by, changed_at, reason = self._status(kind, start, rng, therapist, desk)
            created_at = min(start - dt.timedelta(days=7), now - dt.timedelta(minutes=30))
            appointment_id = batch.add(
                "appointment",
                ids,
                client_id=client_id,
                kind=kind,
                modality=modality,
                start=start,
                end=start + dt.timedelta(minutes=LANE_MINUTES),
                location_id=self.staff.location_id if modality == "in_person" else None,
                room_id=therapist.room_id if modality == "in_person" else None,
                status=status,
                status_reason=reason,
                status_changed_by_id=changed_by,
                status_changed_at=changed_at,
                client_location_state=self.plan.state if modality == "telehealth" else "",
                follow_up_of_id=medicine_id,
                created_by_id=desk.staff_id,
                created_at=max(created_at, created),
            )
            batch.add(
                "appointmentstaff",
                ids,
                appointment_id=appointment_id,
                staff_id=therapist.staff_id,
                start=start,
                end=start + dt.timedelta(minutes=LANE_MINUTES),
                status=status,
            )
            audit.append(
                AuditRow(
                    max(created_at, created),
                    desk.user_id,
                    client_id,
                    AuditAction.CREATE,
                    Category.SCHEDULE,
                    "appointment",
                )
            )
            if status == "completed":
                if kind in ("consultation", "integration") and start + dt.timedelta(hours=3) < now:
                    self.records.measures(
                        batch, client_id, therapist, start, baseline, measured, kap, rng
                    )
                    measured += 1
                audit.append(
                    AuditRow(
                        start,
                        therapist.user_id,
                        client_id,
                        AuditAction.READ,
                        Category.CLINICAL,
                        "chart:plan",
                    )
                )
        finished = lane_start(len(weeks) - 1) < now
        if finished:
            batch.rows["client"][-1]["status"] = "closed"
        if has_records:
            self.records.plan(
                batch,
                client_id,
                index,
                therapist,
                records_at,
                finished,
                weeks,
                lane_start,
                medicines,
            )

    _STATUS_CHANCE = (("completed", 0.93), ("no_show", 0.03), ("cancelled", 0.04))

    def _status(
        self, kind: str, start: dt.datetime, rng: random.Random, therapist: Person, desk: Person
    ) -> tuple[str, int | None, dt.datetime | None, str]:
        end = start + dt.timedelta(minutes=LANE_MINUTES)
        roll = rng.random()
        may_lapse = kind in ("consultation", "therapy")
        if end <= self.now:
            if may_lapse and roll < 0.04:
                return (
                    "cancelled",
                    desk.staff_id,
                    start - dt.timedelta(days=2),
                    "Client asked to move it",
                )
            if may_lapse and roll < 0.07:
                return "no_show", therapist.staff_id, end, ""
            return "completed", therapist.staff_id, end, ""
        if may_lapse and roll < 0.04 and start - dt.timedelta(days=2) <= self.now:
            return (
                "cancelled",
                desk.staff_id,
                start - dt.timedelta(days=2),
                "Client asked to move it",
            )
        return "booked", None, None, ""

    # --- the pathway's records ---------------------------------------------------------

    def _medicine(
        self,
        batch: Batch,
        client_id: int,
        integration_start: dt.datetime,
        rng: random.Random,
        order_id: int | None,
    ) -> int | None:
        local = integration_start.astimezone(ZONE).date()
        date = local - dt.timedelta(days=3 if local.weekday() == 0 else 1)
        monitors = self.staff.monitors
        first = rng.randrange(len(monitors) * len(MEDICINE_SLOTS))
        for step in range(len(monitors) * len(MEDICINE_SLOTS)):
            m, slot = divmod(
                (first + step) % (len(monitors) * len(MEDICINE_SLOTS)), len(MEDICINE_SLOTS)
            )
            if (m, date, slot) not in self.taken:
                break
        else:
            return None
        start, end = (_local(date, t) for t in MEDICINE_SLOTS[slot])
        if start < self.now < end:
            return None  # not one under way at the anchor time: simpler to reason about
        self.taken.add((m, date, slot))
        monitor, desk, ids = monitors[m], self.staff.front_desk, self.ids
        done = end <= self.now
        status = "completed" if done else "booked"
        booked_at = min(start - dt.timedelta(days=14), self.now - dt.timedelta(hours=1))
        appointment_id = batch.add(
            "appointment",
            ids,
            client_id=client_id,
            kind="medicine",
            modality="in_person",
            start=start,
            end=end,
            location_id=self.staff.location_id,
            room_id=monitor.room_id,
            status=status,
            status_reason="",
            status_changed_by_id=monitor.staff_id if done else None,
            status_changed_at=end if done else None,
            client_location_state="",
            follow_up_of_id=None,
            created_by_id=desk.staff_id,
            created_at=booked_at,
        )
        batch.add(
            "appointmentstaff",
            ids,
            appointment_id=appointment_id,
            staff_id=monitor.staff_id,
            start=start,
            end=end,
            status=status,
        )
        batch.audit.append(
            AuditRow(
                booked_at,
                desk.user_id,
                client_id,
                AuditAction.CREATE,
                Category.SCHEDULE,
                "appointment",
            )
        )
        if done and order_id is not None:
            self.records.session(
                batch, appointment_id, client_id, start, end, monitor, order_id, rng
            )
        return appointment_id
