"""A client's progress report for a referring clinician: the plan and its goals, the
diagnoses, the sessions attended, and each measure over time with reliable change.

Read through ``people.access``: the plan, diagnoses and measures are ``clinical``, the
sessions ``schedule``; so the report is a clinician's (therapists and medical providers
on the care team). Never a note's content, never psychotherapy notes. A fixed number of
queries however long the history.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from kapcare.audit.models import AuditAction
from kapcare.measures.panels import Panel, measure_panels
from kapcare.pathway.models import Diagnosis, TreatmentPlan
from kapcare.pathway.vocabulary import (
    FORMAT_LABELS,
    PLAN_STATUS_LABELS,
    TREATMENT_MODALITY_LABELS,
    PlanFormat,
    PlanStatus,
)
from kapcare.people.access import Actor, access_client
from kapcare.people.models import Client, Practice
from kapcare.people.policy import Category
from kapcare.scheduling.models import Appointment
from kapcare.scheduling.vocabulary import KIND_LABELS, AppointmentKind, AppointmentStatus

__all__ = ["REPORT_CATEGORIES", "Attendance", "ProgressReport", "progress_report"]


@dataclass(frozen=True)
class Attendance:
    """Sessions of one kind: held, missed (no-show), cancelled, still booked."""

    kind: str
    label: str
    held: int
    no_show: int
    cancelled: int
    booked: int


@dataclass(frozen=True)
class ProgressReport:
    client: Client
    practice: Practice
    prepared_by: str
    prepared_on: dt.date
    plan_format: str
    plan_status: str
    modalities: list[str]
    goals: str
    diagnoses: list[Diagnosis]
    attendance: list[Attendance]
    panels: list[Panel]
    first_session: dt.datetime | None

    @property
    def held(self) -> int:
        return sum(a.held for a in self.attendance)

    @property
    def no_shows(self) -> int:
        return sum(a.no_show for a in self.attendance)


def _attendance(client_id: int) -> tuple[list[Attendance], dt.datetime | None]:
    rows = Appointment.objects.filter(client_id=client_id).values("kind", "status")
    counts = {(r["kind"], r["status"]): r["n"] for r in rows.annotate(n=Count("id"))}
    held = Appointment.objects.filter(client_id=client_id, status=AppointmentStatus.COMPLETED)
    first = held.order_by("start").values_list("start", flat=True).first()
    attendance = [
        Attendance(
            kind=kind,
            label=KIND_LABELS[kind],
            held=counts.get((kind, AppointmentStatus.COMPLETED), 0),
            no_show=counts.get((kind, AppointmentStatus.NO_SHOW), 0),
            cancelled=counts.get((kind, AppointmentStatus.CANCELLED), 0),
            booked=counts.get((kind, AppointmentStatus.BOOKED), 0),
        )
        for kind in AppointmentKind
    ]
    return [a for a in attendance if a.held or a.no_show or a.cancelled or a.booked], first


REPORT_CATEGORIES = (Category.CLINICAL, Category.SCHEDULE)


def progress_report(
    actor: Actor,
    client_id: int,
    *,
    now: dt.datetime,
    zone: dt.tzinfo,
    detail: str,
    action: AuditAction = AuditAction.READ,
) -> ProgressReport:
    """The report's facts; each category is checked, and a read audited (``detail``);
    for another ``action`` (a print) the caller records it."""
    client = access_client(actor, client_id, Category.CLINICAL, action=action, detail=detail)
    access_client(actor, client.pk, Category.SCHEDULE, action=action, detail=detail)
    plan = TreatmentPlan.objects.filter(client_id=client.pk).first()
    diagnoses = list(
        Diagnosis.objects.filter(client_id=client.pk, resolved_on__isnull=True).order_by(
            "noted_on", "id"
        )
    )
    attendance, first = _attendance(client.pk)
    panels, _ = measure_panels(client.pk, now=now, zone=zone)
    return ProgressReport(
        client=client,
        practice=Practice.objects.get(pk=client.practice_id),
        prepared_by=actor.staff.display_name if actor.staff else "",
        prepared_on=now.astimezone(zone).date(),
        plan_format=FORMAT_LABELS[PlanFormat(plan.format)] if plan else "",
        plan_status=PLAN_STATUS_LABELS[PlanStatus(plan.status)] if plan else "",
        modalities=[TREATMENT_MODALITY_LABELS[m] for m in plan.modalities] if plan else [],
        goals=plan.relational_goals if plan else "",
        diagnoses=diagnoses,
        attendance=attendance,
        panels=panels,
        first_session=first,
    )
