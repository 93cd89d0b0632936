"""The chart's therapy and psychotherapy-notes panels, and the home page's notes to sign.

Each panel reaches the client through ``people.access`` for its own category (therapy:
clinical; psychotherapy notes: that category, then only the actor's own notes), so each
is checked and audited on its own, in a fixed number of queries.
"""

from typing import Any

from django import template
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core import clock
from kapcare.notes import queries, rules
from kapcare.notes.access import CLINICAL, WRITER_ROLES
from kapcare.notes.models import EmdrTarget, Part, PsychotherapyNote, SessionNote
from kapcare.notes.vocabulary import NOTE_KIND_LABELS, NoteKind
from kapcare.people.access import Actor, access_client, visible_clients
from kapcare.people.models import Client
from kapcare.people.policy import Category
from kapcare.scheduling.models import Appointment

register = template.Library()

RECENT = 8


def _actor(context: template.Context) -> Actor:
    actor = context.get("actor")
    if not isinstance(actor, Actor):
        raise template.TemplateSyntaxError("The chart panels need the request's actor.")
    return actor


def _state_label(note: SessionNote) -> str:
    facts = rules.NoteFacts(
        signed=note.signed_at is not None,
        needs_cosignature=note.cosigner_id is not None,
        cosigned=note.cosigned_at is not None,
        actor_is_author=False,
        actor_is_cosigner=False,
    )
    return rules.STATE_LABELS[rules.state_of(facts)]


@register.inclusion_tag("notes/_therapy_panel.html", takes_context=True)
def therapy_panel(context: template.Context, client: Client) -> dict[str, Any]:
    actor = _actor(context)
    access_client(actor, client.pk, CLINICAL, detail="chart:therapy")
    now = clock.now()
    notes = list(
        SessionNote.objects.filter(client=client)
        # the author's name is on the user row: joined, or one query per note shown
        .select_related("appointment", "author__user")
        .order_by("-appointment__start", "-id")[:RECENT]
    )
    unwritten: list[Appointment] = []
    if actor.staff is not None and actor.roles & WRITER_ROLES:
        unwritten = list(
            Appointment.objects.filter(client=client, start__lte=now)
            .exclude(status="cancelled")
            .exclude(session_notes__author=actor.staff)
            .order_by("-start")[:RECENT]
        )
    return {
        "client": client,
        "rows": [(n, NOTE_KIND_LABELS[NoteKind(n.kind)], _state_label(n)) for n in notes],
        "unwritten": unwritten,
        **_map_counts(client.pk),
    }


def _count_of(model: type[Part] | type[EmdrTarget]) -> Coalesce:
    per_client = (
        model.objects.filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_client), 0)


def _map_counts(client_id: int) -> dict[str, int]:
    """How many parts and EMDR targets the client's map holds (one query for both)."""
    counts = Client.objects.filter(pk=client_id).values_list(_count_of(Part), _count_of(EmdrTarget))
    parts, targets = counts.get()
    return {"part_count": parts, "target_count": targets}


@register.inclusion_tag("notes/_psychotherapy_panel.html", takes_context=True)
def psychotherapy_panel(context: template.Context, client: Client) -> dict[str, Any]:
    actor = _actor(context)
    access_client(actor, client.pk, Category.PSYCHOTHERAPY_NOTES, detail="chart:psychotherapy")
    mine = PsychotherapyNote.objects.filter(client=client, author=actor.staff).aggregate(
        count=Count("pk"), latest=Max("created_at")
    )
    return {"client": client, "count": mine["count"], "latest": mine["latest"]}


@register.inclusion_tag("notes/_notes_to_sign.html", takes_context=True)
def notes_to_sign_panel(context: template.Context) -> dict[str, Any]:
    """The signed-in clinician's drafts older than a day, and notes awaiting their
    co-signature, of clients they may read (each listed client's read is audited)."""
    actor = context.get("actor")
    if not isinstance(actor, Actor) or actor.staff is None or not actor.roles & WRITER_ROLES:
        return {"rows": []}
    # Only notes the actor could open: a supervisor who has left a client's care team
    # (ADR 0029: co-signing follows the team) must not see that client named here.
    waiting = queries.notes_to_sign(actor.staff, clock.now()).filter(
        client__in=visible_clients(actor, CLINICAL)
    )
    rows = list(waiting[: RECENT * 3])
    if rows:
        record_events(
            source=actor.audit_source,
            action=AuditAction.READ,
            client_ids=sorted({n.client_id for n in rows}),
            category=CLINICAL,
            detail="home:notes-to-sign",
        )
    return {
        "rows": [
            (n, NOTE_KIND_LABELS[NoteKind(n.kind)], n.author_id != actor.staff.pk) for n in rows
        ]
    }
