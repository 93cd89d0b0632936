"""API shapes of the medicine-session record and the medical screening.

A stable contract (issue 5): the request fields the issue names keep their names;
fields are added, never renamed. Times are ISO-8601 with an offset (a time without
one is a 422 on the field); milligrams are decimal strings or numbers.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field

from kapcare.core.api_errors import ViolationOut
from kapcare.core.api_fields import Instant, LongText, RecordId, Text
from kapcare.core.api_schema import Schema
from kapcare.medicine.billing import CPT_FIRST_CLINICIAN, CPT_SECOND_CLINICIAN, CPT_STAFF_CONCURRENT
from kapcare.medicine.rules import ScheduledCheck
from kapcare.medicine.services import RecordView
from kapcare.medicine.vocabulary import AdverseEventKind, AdverseEventSeverity, SignerRole
from kapcare.pathway.vocabulary import Route

Vital = Annotated[int, Field(ge=0, le=1000)]
Milligrams = Annotated[Decimal, Field(gt=0, max_digits=7, decimal_places=2)]


class ChecklistIn(Schema):
    identity_confirmed: bool
    fasting_confirmed: bool
    escort_name: Text = Field(max_length=200)
    no_driving_agreed: bool
    intention: LongText
    todays_measures_done: bool = Field(
        False,
        description="Today's PHQ-9 and ASQ are done and no flag from them awaits review.",
    )
    last_food_at: Instant | None = None
    last_liquids_at: Instant | None = None


class VitalsIn(Schema):
    at: Instant
    systolic: Vital
    diastolic: Vital
    heart_rate: Vital
    spo2: Vital


class DoseIn(Schema):
    at: Instant
    route: Route
    dose_mg: Milligrams
    lot: Text = Field(max_length=60)
    administered_by: RecordId | None = Field(
        None, description="Staff id of who gave it (monitor or medical provider); default: you."
    )


class ObservationIn(Schema):
    at: Instant
    dissociation: int | None = Field(None, ge=0, le=10, description="Clinician rating 0-10.")
    sedation: int | None = Field(None, ge=0, le=5, description="MOAA/S, 5 alert to 0.")
    note: LongText = ""
    emerged: LongText = Field("", description="What emerged (parts, memories), for integration.")


class AdverseEventIn(Schema):
    at: Instant
    kind: AdverseEventKind
    severity: AdverseEventSeverity
    action: LongText
    provider_notified: bool = False


class DischargeIn(Schema):
    at: Instant
    alert_oriented: bool
    steady_gait: bool
    escort_present: bool


class SignIn(Schema):
    role: SignerRole | None = Field(
        None, description="The role signed in; omitted: the signer's one unsigned role."
    )
    password: Text = Field(
        ...,
        min_length=1,
        max_length=256,
        description="The signer's own password, entered again to sign (as on the console). "
        "A wrong one is a 422 on `password`, left in the audit trail as a failed attempt.",
    )


class MedicineAddendumIn(Schema):
    text: Text = Field(min_length=1, max_length=5000)


class VitalsOut(Schema):
    id: int
    at: dt.datetime
    systolic: int
    diastolic: int
    heart_rate: int
    spo2: int
    recorded_by: int


class AlertOut(Schema):
    rule: str
    message: str
    measure: str
    value: int
    threshold: int
    at: dt.datetime
    vitals: int


class DoseOut(Schema):
    id: int
    at: dt.datetime
    route: Route
    dose_mg: Decimal
    lot: str
    administered_by: int
    order: int


class ObservationOut(Schema):
    id: int
    at: dt.datetime
    dissociation: int | None
    sedation: int | None
    note: str
    emerged: str


class AdverseEventOut(Schema):
    id: int
    at: dt.datetime
    kind: AdverseEventKind
    severity: AdverseEventSeverity
    action: str
    provider_notified: bool
    serious: bool
    notification_sent_at: dt.datetime | None


class ChecklistOut(Schema):
    identity_confirmed: bool
    consent_current: bool
    clearance_current: bool
    fasting_confirmed: bool
    escort_name: str
    no_driving_agreed: bool
    todays_measures_done: bool
    intention: str
    preparation_completed: int
    preparation_required: int
    missing: list[ViolationOut] = Field(description="What stops a dose now, every reason.")


class ScheduledCheckOut(Schema):
    kind: str
    label: str
    due_at: dt.datetime | None
    state: str
    reading_at: dt.datetime | None

    @staticmethod
    def of(check: ScheduledCheck) -> "ScheduledCheckOut":
        return ScheduledCheckOut(
            kind=check.kind.value,
            label=check.label,
            due_at=check.due_at,
            state=check.state.value,
            reading_at=check.reading_at,
        )


class DischargeOut(Schema):
    at: dt.datetime | None
    alert_oriented: bool | None
    steady_gait: bool | None
    escort_present: bool | None
    blockers: list[ViolationOut] = Field(
        description="Before discharge: what the vitals and times say now (the client's state "
        "is assessed when discharging)."
    )


class SignatureOut(Schema):
    role: SignerRole
    signed_by: int
    signed_at: dt.datetime


class MedicineAddendumOut(Schema):
    id: int
    text: str
    written_by: int
    written_at: dt.datetime


class BillingLineOut(Schema):
    code: str
    staff: int
    minutes: int
    units: int


class BillingOut(Schema):
    provisional: bool = Field(description="True until discharge: counted up to now.")
    units_0820t: int
    units_0821t: int
    units_0822t: int
    lines: list[BillingLineOut]


class OrderOut(Schema):
    id: int
    route: str
    dose_mg: Decimal
    max_dose_mg: Decimal
    given_mg: Decimal
    remaining_mg: Decimal


class TherapistNoteIn(Schema):
    text: Text = Field(max_length=5000, description="The whole note (an empty text clears it).")


class TherapistNoteOut(Schema):
    text: str
    by: int | None = Field(description="Staff id of the therapist who last saved it.")
    at: dt.datetime | None


class RecordOut(Schema):
    appointment: int
    client: int
    started: bool = Field(description="False until the first entry is recorded.")
    locked: bool
    completed: bool
    checklist: ChecklistOut
    predose_hold: list[ViolationOut]
    dose_order: OrderOut | None
    vitals: list[VitalsOut]
    alerts: list[AlertOut]
    next_vitals: ScheduledCheckOut
    vitals_schedule: list[ScheduledCheckOut]
    doses: list[DoseOut]
    observations: list[ObservationOut]
    adverse_events: list[AdverseEventOut]
    discharge: DischargeOut
    required_signatures: list[SignerRole]
    signatures: list[SignatureOut]
    addenda: list[MedicineAddendumOut]
    therapist_note: TherapistNoteOut = Field(
        description="The therapist's note of the session (locked with the record)."
    )
    monitoring_minutes: int | None = Field(
        description="Minutes since the last dose until discharge (or now)."
    )
    billing: BillingOut | None

    @staticmethod
    def of(view: RecordView) -> "RecordOut":
        session, rows, checklist = view.session, view.rows, view.checklist
        bill = view.billing
        return RecordOut(
            appointment=view.appointment.pk,
            client=view.client.pk,
            started=session is not None,
            locked=view.locked,
            completed=view.completed,
            checklist=ChecklistOut(
                identity_confirmed=checklist.identity_confirmed,
                consent_current=view.facts.consent_current,
                clearance_current=view.facts.clearance_current,
                fasting_confirmed=checklist.fasting_confirmed,
                escort_name=checklist.escort_name,
                no_driving_agreed=checklist.no_driving_agreed,
                todays_measures_done=checklist.todays_measures_done,
                intention=checklist.intention,
                preparation_completed=checklist.preparation_completed,
                preparation_required=checklist.preparation_required,
                missing=[ViolationOut.of(v) for v in view.checklist_missing],
            ),
            predose_hold=[ViolationOut.of(v) for v in view.predose_hold],
            dose_order=(
                OrderOut(
                    id=view.order.pk,
                    route=view.order.route,
                    dose_mg=view.order.dose_mg,
                    max_dose_mg=view.order.max_dose_mg,
                    given_mg=view.given_mg,
                    remaining_mg=view.order.max_dose_mg - view.given_mg,
                )
                if view.order is not None
                else None
            ),
            vitals=[
                VitalsOut(
                    id=r.pk,
                    at=r.at,
                    systolic=r.systolic,
                    diastolic=r.diastolic,
                    heart_rate=r.heart_rate,
                    spo2=r.spo2,
                    recorded_by=r.recorded_by_id,
                )
                for r in rows.vitals
            ],
            alerts=[
                AlertOut(
                    rule=a.code,
                    message=a.message,
                    measure=a.measure,
                    value=a.value,
                    threshold=a.threshold,
                    at=a.reading.at,
                    vitals=a.reading_id,
                )
                for a in rows.alerts
            ],
            next_vitals=ScheduledCheckOut.of(view.next_due),
            vitals_schedule=[ScheduledCheckOut.of(c) for c in view.schedule],
            doses=[
                DoseOut(
                    id=d.pk,
                    at=d.at,
                    route=Route(d.route),
                    dose_mg=d.dose_mg,
                    lot=d.lot,
                    administered_by=d.administered_by_id,
                    order=d.order_id,
                )
                for d in rows.doses
            ],
            observations=[
                ObservationOut(
                    id=o.pk,
                    at=o.at,
                    dissociation=o.dissociation,
                    sedation=o.sedation,
                    note=o.note,
                    emerged=o.emerged,
                )
                for o in rows.observations
            ],
            adverse_events=[
                AdverseEventOut(
                    id=e.pk,
                    at=e.at,
                    kind=AdverseEventKind(e.kind),
                    severity=AdverseEventSeverity(e.severity),
                    action=e.action,
                    provider_notified=e.provider_notified,
                    serious=e.serious,
                    notification_sent_at=e.notification_sent_at,
                )
                for e in rows.adverse_events
            ],
            discharge=DischargeOut(
                at=session.discharged_at if session else None,
                alert_oriented=session.discharge_alert_oriented if session else None,
                steady_gait=session.discharge_steady_gait if session else None,
                escort_present=session.discharge_escort_present if session else None,
                blockers=[ViolationOut.of(v) for v in view.discharge_blockers],
            ),
            required_signatures=list(view.required_signatures),
            signatures=[
                SignatureOut(
                    role=SignerRole(s.role), signed_by=s.signed_by_id, signed_at=s.signed_at
                )
                for s in rows.signatures
            ],
            addenda=[
                MedicineAddendumOut(
                    id=a.pk, text=a.text, written_by=a.written_by_id, written_at=a.written_at
                )
                for a in rows.addenda
            ],
            therapist_note=TherapistNoteOut(
                text=session.therapist_note if session is not None else "",
                by=session.therapist_note_by_id if session is not None else None,
                at=session.therapist_note_at if session is not None else None,
            ),
            monitoring_minutes=view.monitoring_minutes,
            billing=(
                BillingOut(
                    provisional=bill.provisional,
                    units_0820t=bill.units(CPT_FIRST_CLINICIAN),
                    units_0821t=bill.units(CPT_SECOND_CLINICIAN),
                    units_0822t=bill.units(CPT_STAFF_CONCURRENT),
                    lines=[
                        BillingLineOut(
                            code=line.code,
                            staff=int(line.person_id),
                            minutes=line.minutes,
                            units=line.units,
                        )
                        for line in bill.bill.lines
                    ],
                )
                if bill is not None
                else None
            ),
        )
