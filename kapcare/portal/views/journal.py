"""Intentions before a medicine session, the integration journal after: write, read, share."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error
from kapcare.people.policy import Category
from kapcare.portal.access import own_client, portal_actor
from kapcare.portal.forms import JournalEntryForm
from kapcare.portal.models import JournalEntry
from kapcare.portal.services.journal import medicine_session_for, share_entry, write_entry
from kapcare.portal.vocabulary import EntryKind

UNPROCESSABLE = 422

# The address names the kind in the client's words.
_KINDS = {"intentions": EntryKind.INTENTION, "journal": EntryKind.JOURNAL}

_PROMPTS = {
    EntryKind.INTENTION: (
        "What would you like to bring to this session?",
        "Which parts of you might show up, and what might they need from you?",
        "What would help you feel safe enough to let the session be what it is?",
    ),
    EntryKind.JOURNAL: (
        "What stayed with you from the session: images, feelings, words?",
        "Did any parts of you show up? How do you feel toward them now?",
        "What do you notice in your relationships since then?",
        "What would you like to bring to your integration session?",
    ),
}


@require_GET
def journal(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.CLINICAL, detail="portal:journal")
    entries = list(
        JournalEntry.objects.filter(client=client)
        .select_related("appointment")
        .order_by("-written_at", "-id")
    )
    return render(request, "portal/journal.html", {"entries": entries})


@require_http_methods(["GET", "POST"])
def journal_new(request: HttpRequest, kind: str) -> HttpResponse:
    entry_kind = _KINDS.get(kind)
    if entry_kind is None:
        raise Http404
    actor = portal_actor(request)
    client = own_client(
        actor, Category.CLINICAL, action=AuditAction.READ, detail=f"portal:{entry_kind.value}"
    )
    form = JournalEntryForm(request.POST if request.method == "POST" else None)
    form.fields["body"].label = (
        "Your intentions" if entry_kind is EntryKind.INTENTION else "Your journal entry"
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = write_entry(
                actor=actor,
                kind=entry_kind,
                body=form.cleaned_data["body"],
                share=form.cleaned_data["share"],
                now=clock.now(),
            )
        except FieldError as error:
            add_field_error(form, error)
        else:
            said = "Your care team can read it now." if entry.is_shared else "Only you can read it."
            messages.success(request, f"Thank you. It is kept. {said}")
            return redirect("portal:journal")
    return render(
        request,
        "portal/journal_new.html",
        {
            "kind": entry_kind,
            "form": form,
            "prompts": _PROMPTS[entry_kind],
            "session": medicine_session_for(client, entry_kind, now=clock.now()),
        },
        status=UNPROCESSABLE if form.errors else 200,
    )


@require_POST
def journal_share(request: HttpRequest, entry_id: int) -> HttpResponse:
    share_entry(actor=portal_actor(request), entry_id=entry_id, now=clock.now())
    messages.success(request, "Shared. Your care team can read it now.")
    return redirect("portal:journal")
