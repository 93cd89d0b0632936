"""The note editor: a draft kept as the clinician types, signing, co-signing, addenda.

Without script the form saves on "Save draft" and "Sign"; with it (``notes/autosave.js``)
the same form is posted a moment after each change (answered as JSON), and what was
typed is kept in the tab's session storage until the server has it, so a dropped
connection loses nothing.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kapcare.billing.cpt import propose_cpt
from kapcare.core import clock
from kapcare.core.form_errors import submitting
from kapcare.core.violations import Refused
from kapcare.core.wording import fmt_time
from kapcare.notes import queries, rules, services
from kapcare.notes.access import access_note
from kapcare.notes.forms import AddendumForm, NoteForm
from kapcare.notes.models import EmdrSession, Part, SessionNote
from kapcare.notes.services.session_notes import (
    NoteChanges,
    PartShift,
    facts_of,
    proposal_of,
)
from kapcare.notes.vocabulary import NOTE_KIND_LABELS, NoteKind, RiskLevel, SelfQuality
from kapcare.people.access import Actor, staff_actor

AUTOSAVE_HEADER = "HTTP_X_KAPCARE_AUTOSAVE"


def _editor_url(note_id: int) -> str:
    return reverse("notes:note", args=[note_id])


@require_POST
def note_start(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Open the signed-in clinician's note of the appointment (a new draft the first time)."""
    with submitting():
        note = services.start_note(
            actor=staff_actor(request), appointment_id=appointment_id, now=clock.now()
        )
    return redirect(_editor_url(note.pk))


def _changes(form: NoteForm, note: SessionNote) -> NoteChanges:
    data = form.cleaned_data
    held = data["held_minutes"]
    complexity = data["interactive_complexity"]
    codes = list(data["cpt_codes"])
    kind = "consultation" if note.kind == NoteKind.INTAKE else note.kind
    proposal = propose_cpt(kind, held, interactive_complexity=complexity)
    return NoteChanges(
        fields={spec.key: data[f"f_{spec.key}"] for spec in form.template_fields},
        narrative=data["narrative"],
        risk_level=RiskLevel(data["risk_level"]) if data["risk_level"] else None,
        risk_notes=data["risk_notes"],
        self_energy=[SelfQuality(q) for q in data["self_energy"]],
        held_minutes=held,
        interactive_complexity=complexity,
        cpt_codes=codes,
        cpt_reason=data["cpt_reason"],
        cpt_follow_proposal=sorted(codes) == sorted(proposal.codes),
        parts=[
            PartShift(part.pk, data[shifted.name])
            for part, appeared, shifted in form.part_bound_fields()
            if data[appeared.name]
        ],
    )


def _json_errors(form: NoteForm) -> JsonResponse:
    errors = [
        {"field": form[name].label if name in form.fields else "", "message": str(message)}
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    return JsonResponse({"saved": False, "errors": errors}, status=422)


def _save_or_sign(
    request: HttpRequest, actor: Actor, note: SessionNote, form: NoteForm, *, sign: bool
) -> SessionNote | None:
    """Save the draft (and sign it); None when refused, with the reasons on the form."""
    with submitting(form, refused=lambda refused: _add_refusal(form, refused)) as submitted:
        saved = services.save_draft(
            actor=actor, note_id=note.pk, changes=_changes(form, note), now=clock.now()
        )
        if sign:
            saved = services.sign_note(actor=actor, note_id=note.pk, now=clock.now())
    return saved if submitted.ok else None


def _add_refusal(form: NoteForm, refused: Refused) -> None:
    for violation in refused.violations:
        field = violation.subject if violation.subject in form.fields else None
        form.add_error(field, violation.message)


def _note_page(
    request: HttpRequest,
    actor: Actor,
    note_id: int,
    *,
    data: object = None,
    addendum_form: AddendumForm | None = None,
) -> tuple[SessionNote, NoteForm, dict[str, object]]:
    # The page shows the note whatever is posted: a read (the services audit changes).
    found, client = access_note(actor, note_id, detail="page:note")
    current = queries.note_with_rows(found.pk)
    parts = list(Part.objects.filter(client=client).order_by("created_at", "id"))
    facts = facts_of(current, actor)
    editable = not rules.check_action(facts, rules.Action.EDIT)
    proposal = proposal_of(current)
    codes = proposal.codes if current.cpt_codes is None else current.cpt_codes
    form = NoteForm(
        data if editable else None,
        note=current,
        parts=parts,
        initial=NoteForm.initial_for(current, codes),
    )
    state = rules.state_of(facts)
    context: dict[str, object] = {
        "client": client,
        "note": current,
        "kind_label": NOTE_KIND_LABELS[NoteKind(current.kind)],
        "state": state,
        "state_label": rules.STATE_LABELS[state],
        "form": form,
        "editable": editable,
        "proposal": proposal,
        "codes": codes,
        "may_cosign": not rules.check_action(facts, rules.Action.COSIGN),
        "may_amend": current.signed_at is not None,
        "cosigner_off_team": queries.awaits_an_off_team_cosigner(current),
        "addendum_form": addendum_form or AddendumForm(),
        "emdr_choices": (
            list(
                EmdrSession.objects.filter(target__client=client, note__isnull=True)
                .select_related("target")
                .order_by("-held_at", "-id")
            )
            if editable
            else []
        ),
        "template_values": [
            (spec.label, current.fields.get(spec.key, "")) for spec in form.template_fields
        ],
    }
    return current, form, context


@require_http_methods(["GET", "POST"])
def note(request: HttpRequest, note_id: int) -> HttpResponse:
    actor = staff_actor(request)
    posted = request.method == "POST"
    current, form, context = _note_page(
        request, actor, note_id, data=request.POST if posted else None
    )
    autosave = request.META.get(AUTOSAVE_HEADER) == "1"
    if form.is_bound:
        if form.is_valid():
            signing = request.POST.get("action") == "sign" and not autosave
            saved = _save_or_sign(request, actor, current, form, sign=signing)
            if saved is not None and autosave:
                when = fmt_time(timezone.localtime(saved.updated_at))
                return JsonResponse({"saved": True, "saved_at": when})
            if saved is not None:
                messages.success(request, "The note is signed." if signing else "Draft saved.")
                return redirect(_editor_url(current.pk))
        if autosave:
            return _json_errors(form)
    refused = form.is_bound or (posted and not context["editable"])
    return render(request, "notes/note.html", context, status=422 if refused else 200)


@require_POST
def note_cosign(request: HttpRequest, note_id: int) -> HttpResponse:
    actor = staff_actor(request)
    try:
        services.cosign_note(actor=actor, note_id=note_id, now=clock.now())
    except Refused as refused:
        messages.error(request, " ".join(v.message for v in refused.violations))
    else:
        messages.success(request, "The note is co-signed.")
    return redirect(_editor_url(note_id))


@require_POST
def note_emdr(request: HttpRequest, note_id: int) -> HttpResponse:
    """Link one of the client's EMDR sessions to this draft note; a refusal is shown
    beside the EMDR select (or where it stood, once the note is signed)."""
    actor = staff_actor(request)
    chosen = request.POST.get("emdr_session", "")
    refusals: list[str] = []
    with submitting(
        lambda error: refusals.append(error.message),
        refused=lambda refused: refusals.extend(v.message for v in refused.violations),
    ) as submitted:
        services.link_emdr_session(
            actor=actor,
            note_id=note_id,
            emdr_session_id=int(chosen) if chosen.isdigit() else 0,
            now=clock.now(),
        )
    if submitted.ok:
        messages.success(request, "The EMDR session is part of this note.")
        return redirect(_editor_url(note_id) + "#emdr")
    _, _, context = _note_page(request, actor, note_id)
    context["emdr_error"] = " ".join(refusals)
    return render(request, "notes/note.html", context, status=422)


@require_POST
def note_addendum(request: HttpRequest, note_id: int) -> HttpResponse:
    actor = staff_actor(request)
    form = AddendumForm(request.POST)
    if form.is_valid():
        with submitting(
            form, refused=lambda refused: form.add_error("text", refused.violations[0].message)
        ) as submitted:
            services.add_note_addendum(
                actor=actor, note_id=note_id, text=form.cleaned_data["text"], now=clock.now()
            )
        if submitted.ok:
            messages.success(request, "The addendum is added.")
            return redirect(_editor_url(note_id) + "#addenda")
    _, _, context = _note_page(request, actor, note_id, addendum_form=form)
    return render(request, "notes/note.html", context, status=422)
