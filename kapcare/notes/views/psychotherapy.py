"""Your own psychotherapy notes of a client: read (audited) and written here only."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error
from kapcare.notes import psychotherapy
from kapcare.notes.forms import PsychotherapyNoteForm
from kapcare.people.access import staff_actor
from kapcare.people.models import Client

PAGE = 50


@require_http_methods(["GET", "POST"])
def psychotherapy_notes(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = staff_actor(request)
    form = PsychotherapyNoteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            psychotherapy.write_psychotherapy_note(
                actor=actor, client_id=client_id, text=form.cleaned_data["text"],
                now=clock.now(),
            )  # fmt: skip
        except FieldError as error:
            add_field_error(form, error)
        else:
            messages.success(request, "Your note is saved, apart from the record.")
            return redirect(reverse("notes:psychotherapy", args=[client_id]))
    notes, count = psychotherapy.list_psychotherapy_notes(actor, client_id, limit=PAGE)
    client = Client.objects.get(pk=client_id)  # reached and audited by the read above
    return render(
        request,
        "notes/psychotherapy.html",
        {"client": client, "notes": notes, "count": count, "form": form},
        status=422 if form.is_bound else 200,
    )
