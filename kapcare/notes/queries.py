"""Reads of the therapy record, each in a fixed number of queries however long the list.

Every function takes the client (or record) already reached through ``notes.access``.
"""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from kapcare.notes.models import EmdrSession, EmdrTarget, Part, PartAppearance, SessionNote
from kapcare.people.models import CareTeamMember, Client, StaffMember

__all__ = [
    "UNSIGNED_AFTER",
    "awaits_an_off_team_cosigner",
    "documented_appointment_ids",
    "emdr_targets_of",
    "note_with_rows",
    "notes_of",
    "notes_to_sign",
    "part_with_rows",
    "parts_of",
    "with_note_rows",
]

# The home page lists a clinician's notes still unsigned this long after they began.
UNSIGNED_AFTER = dt.timedelta(hours=24)


def with_note_rows(notes: QuerySet[SessionNote]) -> QuerySet[SessionNote]:
    return notes.select_related("appointment").prefetch_related(
        Prefetch("appearances", PartAppearance.objects.select_related("part")),
        "addenda",
        Prefetch(
            "emdr_sessions", EmdrSession.objects.select_related("target").order_by("held_at", "id")
        ),
    )


def note_with_rows(note_id: int) -> SessionNote:
    """A note already reached through ``notes.access``, with what its page shows."""
    return with_note_rows(SessionNote.objects.all()).get(pk=note_id)


def part_with_rows(part_id: int) -> Part:
    """A part already reached through ``notes.access``, with its links and appearances."""
    return Part.objects.prefetch_related("protects", "protected_by", _appearances()).get(pk=part_id)


def notes_of(client: Client) -> QuerySet[SessionNote]:
    return with_note_rows(
        SessionNote.objects.filter(client=client).order_by("-appointment__start", "-id")
    )


def _appearances() -> Prefetch[str]:
    return Prefetch(
        "appearances",
        PartAppearance.objects.select_related("note__appointment").order_by(
            "note__appointment__start", "id"
        ),
    )


def parts_of(client: Client) -> QuerySet[Part]:
    return (
        Part.objects.filter(client=client)
        .order_by("created_at", "id")
        .prefetch_related("protects", "protected_by", _appearances())
    )


def emdr_targets_of(client: Client) -> QuerySet[EmdrTarget]:
    return (
        EmdrTarget.objects.filter(client=client)
        .order_by("created_at", "id")
        .prefetch_related(
            Prefetch(
                "sessions",
                EmdrSession.objects.select_related("note__appointment").order_by("held_at", "id"),
            )
        )
    )


def notes_to_sign(staff: StaffMember, now: dt.datetime) -> QuerySet[SessionNote]:
    """The staff member's drafts begun over 24 hours ago, and notes awaiting their
    co-signature, oldest first."""
    return (
        SessionNote.objects.filter(
            Q(author=staff, signed_at__isnull=True, created_at__lte=now - UNSIGNED_AFTER)
            | Q(cosigner=staff, cosigned_at__isnull=True)
        )
        .select_related("client", "appointment")
        .order_by("appointment__start", "id")
    )


def documented_appointment_ids(appointment_ids: list[int]) -> set[int]:
    """The held appointments among these whose documentation is complete: a note of
    theirs is signed, and co-signed when its author's notes need it (``rules``)."""
    return set(
        SessionNote.objects.filter(
            appointment_id__in=appointment_ids,
            appointment__status="completed",
            signed_at__isnull=False,
        )
        .filter(Q(cosigner__isnull=True) | Q(cosigned_at__isnull=False))
        .values_list("appointment_id", flat=True)
    )


def awaits_an_off_team_cosigner(note: SessionNote) -> bool:
    """Whether the note waits for a co-signer who is not on the client's care team, and
    so cannot open it to co-sign (ADR 0029: co-signing follows the care team). One query
    while it waits, none otherwise."""
    if note.cosigner_id is None or note.cosigned_at is not None:
        return False
    return not CareTeamMember.objects.filter(
        client_id=note.client_id, staff_id=note.cosigner_id
    ).exists()
