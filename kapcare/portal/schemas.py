"""API shapes of the portal (``/api/v1/portal/...``, the client's own) and of what the
care team reads from it. A stable contract once landed: keep these names, add freely."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field

from kapcare.core.api_fields import Instant, Text
from kapcare.core.api_schema import Schema
from kapcare.pathway.models import ConsentDocument
from kapcare.pathway.vocabulary import ConsentKind
from kapcare.people.schemas import StateCode
from kapcare.portal.models import JournalEntry
from kapcare.portal.services.journal import BODY_MAX
from kapcare.portal.services.sessions import NOTE_MAX as MEDICINE_REQUEST_NOTE_MAX
from kapcare.portal.upcoming import UpcomingSession
from kapcare.portal.vocabulary import EntryKind
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus, Modality


class JournalEntryIn(Schema):
    kind: EntryKind = Field(description="intention (before a medicine session) or journal.")
    body: Annotated[Text, Field(min_length=1, max_length=BODY_MAX)]
    share: bool = Field(False, description="Share with the care team now (private if false).")


class JournalEntryOut(Schema):
    id: int
    kind: EntryKind
    body: str
    medicine_session: int | None = Field(description="The medicine session it is about.")
    written_at: dt.datetime
    shared_at: dt.datetime | None = Field(description="When it was shared; null: private.")

    @staticmethod
    def of(entry: JournalEntry) -> "JournalEntryOut":
        return JournalEntryOut(
            id=entry.pk,
            kind=EntryKind(entry.kind),
            body=entry.body,
            medicine_session=entry.appointment_id,
            written_at=entry.written_at,
            shared_at=entry.shared_at,
        )


class SessionOut(Schema):
    id: int
    kind: AppointmentKind
    modality: Modality
    status: AppointmentStatus
    start: dt.datetime
    end: dt.datetime
    where: str = Field(description="The office's address, or 'By video'.")
    with_whom: str
    can_cancel: bool = Field(description="Whether the client may still cancel it here.")
    cancel_problem: str | None = Field(description="Why not, in plain words.")
    calendar_file: str = Field(description="Where to download it as an .ics file.")
    video_link: str = Field(
        description='For a video session, the clinician\'s video room ("": none set).'
    )

    @staticmethod
    def of(row: UpcomingSession, *, cancel_problem: str | None, calendar_file: str) -> "SessionOut":
        a = row.appointment
        return SessionOut(
            id=a.pk,
            kind=AppointmentKind(a.kind),
            modality=Modality(a.modality),
            status=AppointmentStatus(a.status),
            start=a.start,
            end=a.end,
            where=row.where,
            with_whom=row.with_whom,
            can_cancel=cancel_problem is None,
            cancel_problem=cancel_problem,
            calendar_file=calendar_file,
            video_link=row.video_link,
        )


class CancelIn(Schema):
    reason: Annotated[Text, Field(max_length=200)] = ""
    with_integration: bool = Field(
        False,
        description="For a medicine session: cancel the integration session after it too.",
    )


class LocationIn(Schema):
    state: StateCode = Field(description="Two-letter code.")
    city: Annotated[Text, Field(max_length=100)] = ""


class SessionLocationOut(Schema):
    id: int
    client_location_state: str
    client_location_city: str
    confirmed_at: dt.datetime


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    room: int | None


class SlotsOut(Schema):
    items: list[SlotOut]
    count: int
    blocked_by: list[str] = Field(description="Why no time fits, in plain words (if none).")


# What a client books themselves (scheduling's CLIENT_BOOKABLE; a test holds the two
# together): medicine sessions are asked for, consultations arranged by the practice.
ClientBookableKind = Literal["preparation", "integration", "therapy"]


class BookIn(Schema):
    kind: ClientBookableKind = Field(description="preparation, integration or therapy.")
    staff: int = Field(description="A therapist on the client's care team.")
    start: Instant
    location: int | None = Field(None, description="An office; null for a video session.")
    room: int | None = Field(None, description="The room a slot named (in person).")
    state: StateCode | None = Field(
        None, description="For a video session, the state the client will be in."
    )


class NoteIn(Schema):
    note: Annotated[Text, Field(max_length=2000)] = ""


class MedicineRequestIn(Schema):
    note: Annotated[Text, Field(max_length=MEDICINE_REQUEST_NOTE_MAX)] = ""


class PauseOut(Schema):
    plan_status: str | None = Field(description="The plan's status now (null: no plan yet).")


class ConsentDocumentIn(Schema):
    kind: ConsentKind
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    body: Annotated[Text, Field(min_length=1, max_length=50_000)]


class ConsentDocumentOut(Schema):
    id: int
    kind: ConsentKind
    version: str
    title: str
    sha256: str
    published_at: dt.datetime
    signed_count: int = Field(description="How many signatures name this version.")

    @staticmethod
    def of(document: ConsentDocument, signed_count: int) -> "ConsentDocumentOut":
        return ConsentDocumentOut(
            id=document.pk,
            kind=ConsentKind(document.kind),
            version=document.version,
            title=document.title,
            sha256=document.sha256,
            published_at=document.published_at,
            signed_count=signed_count,
        )
