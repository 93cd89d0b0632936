"""The records around a client's sessions: pathway records, plan, medicine record, measures.

Written by ``histories.LocationHistory`` at the week each belongs to; the same rows the
services would write (the services themselves would e-mail, lock and audit one at a
time, far too slowly for a hundred thousand clients).
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kapcare.audit.models import AuditAction
from kapcare.measures.demo import synthetic_answers
from kapcare.measures.registry import get_instrument
from kapcare.pathway.thresholds import DEFAULT_CONTRAINDICATIONS
from kapcare.people.policy import Category
from kapcare.synthetic.layout import ZONE
from kapcare.synthetic.rows import AuditRow, Batch, Ids, Person, Row, Staffing

__all__ = ["Records", "Week", "programme"]

REVIEW_NOTE = "Reviewed with the client; no plan or intent; safety plan in place (synthetic)."


@dataclass(frozen=True)
class Week:
    kind: str  # the lane's appointment: consultation, therapy, preparation, integration
    medicine: bool = False  # a medicine session the day before this week's lane session


def programme(rng: random.Random, kap: bool) -> list[Week]:
    """The weeks of one client's care, in order."""
    if not kap:
        return [Week("consultation")] + [Week("therapy")] * rng.randint(6, 24)
    weeks = [Week("consultation"), Week("therapy"), Week("preparation"), Week("preparation")]
    for _ in range(rng.randint(1, 3)):
        weeks += [Week("integration", medicine=True), Week("therapy")]
    return weeks + [Week("therapy")] * rng.randint(2, 12)


class _Scores:
    """Scored answers, computed once per distinct answer list (the engine is pure)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, tuple[int, ...]], Row] = {}

    def response(self, code: str, total: float, item9: int = 0) -> Row:
        answers = synthetic_answers(code, total, item9)
        key = (code, tuple(answers))
        if key not in self._cache:
            instrument = get_instrument(code)
            scored = instrument.score(answers)
            self._cache[key] = {
                "instrument_code": instrument.code,
                "instrument_version": instrument.version,
                "answers": answers,
                "total": None if scored.total is None else Decimal(str(scored.total)),
                "severity": scored.severity or "",
                "subscales": dict(scored.subscales),
                "outcomes": dict(scored.outcomes),
                "flags": list(scored.flags),
            }
        return self._cache[key]


MEASURE_MAX = {"PHQ-9": 27, "GAD-7": 21, "PCL-5": 80}


class Records:
    """Writes one location's records into the batch it is given."""

    def __init__(self, *, staffing: Staffing, seed: int, now: dt.datetime, ids: Ids) -> None:
        self.staff = staffing
        self.seed = seed
        self.now = now
        self.ids = ids
        self.scores = _Scores()

    def pathway(
        self,
        batch: Batch,
        client_id: int,
        therapist: Person,
        consult: dt.datetime,
        at: dt.datetime,
        rng: random.Random,
        telehealth: bool,
    ) -> int:
        ids, medical = self.ids, self.staff.medical
        signed = consult.astimezone(ZONE).date()
        kinds = ["kap_informed_consent", "financial"] + (["telehealth"] if telehealth else [])
        for kind in kinds:
            batch.add(
                "consent",
                ids,
                client_id=client_id,
                kind=kind,
                version="2026-01",
                signed_on=signed,
                recorded_by_id=therapist.staff_id,
                recorded_at=consult + dt.timedelta(minutes=55),
            )
        screening_id = batch.add(
            "screening",
            ids,
            client_id=client_id,
            version=1,
            history="No relevant history (synthetic).",
            medications="None (synthetic).",
            pregnancy_status="not_applicable",
            baseline_systolic=rng.randint(108, 134),
            baseline_diastolic=rng.randint(68, 84),
            baseline_heart_rate=rng.randint(58, 88),
            baseline_spo2=rng.randint(96, 99),
            baseline_weight_kg=Decimal(rng.randint(520, 980)) / 10,
            des_ii_total=Decimal(rng.randint(5, 25)),
            unreviewed_suicide_flag=False,
            recorded_by_id=medical.staff_id,
            recorded_at=at,
        )
        for item in DEFAULT_CONTRAINDICATIONS:
            if item.basis.value.startswith("question"):
                batch.add(
                    "screeninganswer",
                    ids,
                    screening_id=screening_id,
                    code=item.code,
                    answer="no",
                    notes="",
                )
        day = at.astimezone(ZONE).date()
        batch.add(
            "clearance",
            ids,
            client_id=client_id,
            version=1,
            status="cleared",
            valid_until=day + dt.timedelta(days=365),
            note="",
            screening_id=screening_id,
            justifications={},
            recorded_by_id=medical.staff_id,
            recorded_at=at + dt.timedelta(minutes=30),
        )
        dose = Decimal(rng.choice((50, 60, 75, 100)))
        order_id = batch.add(
            "doseorder",
            ids,
            client_id=client_id,
            route="intramuscular",
            dose_mg=dose,
            max_dose_mg=dose + 25,
            active_from=day,
            active_to=None,
            ordered_by_id=medical.staff_id,
            ordered_at=at + dt.timedelta(minutes=40),
        )
        for detail, minutes in (
            ("consent", -300),
            ("screening", 0),
            ("clearance", 30),
            ("dose_order", 40),
        ):
            batch.audit.append(
                AuditRow(
                    at + dt.timedelta(minutes=minutes),
                    medical.user_id,
                    client_id,
                    AuditAction.CREATE,
                    Category.MEDICAL,
                    detail,
                )
            )
        return order_id

    def plan(
        self,
        batch: Batch,
        client_id: int,
        index: int,
        therapist: Person,
        at: dt.datetime,
        finished: bool,
        weeks: list[Week],
        lane_start: Callable[[int], dt.datetime],
        medicines: list[int],
    ) -> None:
        """The KAP plan: closed when care ended, paused by some between medicine series."""
        future_pathway = any(
            w.kind != "therapy" and lane_start(i) >= self.now for i, w in enumerate(weeks)
        )
        status = "closed" if finished else "active"
        rng = random.Random(f"{self.seed}:plan:{index}")
        if not finished and not future_pathway and medicines and rng.random() < 0.3:
            status = "paused"
        values = {
            "client_id": client_id,
            "format": "ongoing",
            "status": "active",
            "includes_kap": True,
            "includes_parts_work": rng.random() < 0.6,
            "includes_emdr": rng.random() < 0.4,
            "relational_goals": "Feel safe in close relationships (synthetic).",
            "planned_preparation_count": 2,
        }
        plan_id = self.ids.take("plan")
        batch.rows["plan"].append(
            {
                "id": plan_id,
                **values,
                "status": status,
                "updated_by_id": therapist.staff_id,
                "updated_at": at,
            }
        )
        batch.add(
            "planversion",
            self.ids,
            plan_id=plan_id,
            **values,
            changed_by_id=therapist.staff_id,
            changed_at=at,
        )
        if status != "active":
            changed = min(at + dt.timedelta(days=7 * len(weeks)), self.now - dt.timedelta(hours=2))
            batch.add(
                "planversion",
                self.ids,
                plan_id=plan_id,
                **{**values, "status": status},
                changed_by_id=therapist.staff_id,
                changed_at=changed,
            )
        batch.audit.append(
            AuditRow(
                at, therapist.user_id, client_id, AuditAction.CREATE, Category.CLINICAL, "plan"
            )
        )

    # --- medicine sessions ---------------------------------------------------------------

    def session(
        self,
        batch: Batch,
        appointment_id: int,
        client_id: int,
        start: dt.datetime,
        end: dt.datetime,
        monitor: Person,
        order_id: int,
        rng: random.Random,
    ) -> None:
        ids, medical, now = self.ids, self.staff.medical, self.now
        signed = end + dt.timedelta(minutes=30)
        locked = signed <= now
        session_id = batch.add(
            "medicinesession",
            ids,
            appointment_id=appointment_id,
            client_id=client_id,
            identity_confirmed=True,
            fasting_confirmed=True,
            escort_name="Escort (synthetic)",
            no_driving_agreed=True,
            todays_measures_done=True,
            intention="",
            last_food_at=start - dt.timedelta(hours=8),
            last_liquids_at=start - dt.timedelta(hours=3),
            checklist_by_id=monitor.staff_id,
            checklist_at=start + dt.timedelta(minutes=5),
            discharged_at=end - dt.timedelta(minutes=10),
            discharge_alert_oriented=True,
            discharge_steady_gait=True,
            discharge_escort_present=True,
            discharged_by_id=monitor.staff_id,
            locked_at=signed if locked else None,
            completed_at=signed if locked else None,
            created_at=start,
        )
        for minutes in (0, 15, 30, 45, 60, 90, 120):
            at = start + dt.timedelta(minutes=minutes)
            batch.add(
                "vitals",
                ids,
                session_id=session_id,
                at=at,
                systolic=rng.randint(110, 136),
                diastolic=rng.randint(68, 86),
                heart_rate=rng.randint(58, 92),
                spo2=rng.randint(95, 99),
                recorded_by_id=monitor.staff_id,
                recorded_at=at,
            )
        dose = batch.rows["doseorder"][-1]["dose_mg"] if batch.rows["doseorder"] else Decimal(50)
        given = start + dt.timedelta(minutes=10)
        batch.add(
            "dose",
            ids,
            session_id=session_id,
            order_id=order_id,
            at=given,
            route="intramuscular",
            dose_mg=dose,
            lot=f"LOT-{rng.randint(1000, 9999)}",
            administered_by_id=medical.staff_id,
            recorded_at=given,
        )
        for minutes in (30, 60, 90):
            at = start + dt.timedelta(minutes=minutes)
            batch.add(
                "observation",
                ids,
                session_id=session_id,
                at=at,
                dissociation=rng.randint(0, 8),
                sedation=rng.randint(3, 5),
                note="",
                emerged="",
                recorded_by_id=monitor.staff_id,
                recorded_at=at,
            )
        if locked:
            for role, person in (("monitor", monitor), ("medical_provider", medical)):
                batch.add(
                    "signature",
                    ids,
                    session_id=session_id,
                    role=role,
                    signed_by_id=person.staff_id,
                    signed_at=signed,
                )
        for detail, at in (("vitals", start), ("dose", given), ("discharge", end)):
            batch.audit.append(
                AuditRow(
                    at,
                    monitor.user_id,
                    client_id,
                    AuditAction.CREATE,
                    Category.MEDICINE_SESSION,
                    detail,
                )
            )

    # --- measures ------------------------------------------------------------------------

    def measures(
        self,
        batch: Batch,
        client_id: int,
        therapist: Person,
        at: dt.datetime,
        baseline: float,
        step: int,
        kap: bool,
        rng: random.Random,
    ) -> None:
        ids = self.ids
        level = baseline * max(0.25, 1 - 0.12 * step)
        codes = ["PHQ-9", "GAD-7"] + (["PCL-5"] if step == 0 else [])
        for offset, code in enumerate(codes):
            item9 = 1 if code == "PHQ-9" and rng.random() < 0.05 else 0
            total = max(item9, round(MEASURE_MAX[code] * level))
            scored = self.scores.response(code, total, item9)
            completed = at + dt.timedelta(minutes=5 + offset)
            response_id = batch.add(
                "response",
                ids,
                client_id=client_id,
                source="staff",
                entered_by_id=therapist.staff_id,
                completed_at=completed,
                **scored,
            )
            if "suicidality" in scored["flags"]:
                # Reviewed within hours; a therapy-only client's recent flag may stay open.
                open_ = not kap and completed > self.now - dt.timedelta(days=30)
                reviewed = completed + dt.timedelta(hours=2)
                batch.add(
                    "riskflag",
                    ids,
                    client_id=client_id,
                    code="suicidality",
                    response_id=response_id,
                    raised_at=completed,
                    reviewed_by_id=None if open_ else therapist.staff_id,
                    reviewed_at=None if open_ else reviewed,
                    review_note="" if open_ else REVIEW_NOTE,
                )
        batch.audit.append(
            AuditRow(
                at + dt.timedelta(minutes=10),
                therapist.user_id,
                client_id,
                AuditAction.CREATE,
                Category.CLINICAL,
                "measure_response",
            )
        )
