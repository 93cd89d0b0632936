"""The staff page of the practice's consent documents: every version and who signed it,
and publishing a new version (front desk and the clinicians; everyone else: 404)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error
from kapcare.core.form_inputs import InputRules
from kapcare.pathway.services import publish_consent_document
from kapcare.pathway.services.consent_documents import BODY_MAX, TITLE_MAX
from kapcare.pathway.vocabulary import CONSENT_LABELS, ConsentKind
from kapcare.people.access import staff_actor
from kapcare.portal.consent_documents import document_kinds, editor

UNPROCESSABLE = 422


class PublishForm(InputRules, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        error_messages={"required": "Give the document a title."},
    )
    body = forms.CharField(
        label="Text",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Leave a blank line between paragraphs. Clients sign this exact text.",
        error_messages={"required": "Write the document's text."},
    )


@require_GET
def consent_documents(request: HttpRequest) -> HttpResponse:
    actor = editor(staff_actor(request))
    return render(
        request,
        "portal/staff_consent_documents.html",
        {"kinds": document_kinds(actor, detail="consent-documents")},
    )


@require_http_methods(["GET", "POST"])
def consent_document_publish(request: HttpRequest, kind: str) -> HttpResponse:
    actor = editor(staff_actor(request))
    try:
        consent_kind = ConsentKind(kind)
    except ValueError:
        raise Http404 from None
    current = next(
        (
            k.current
            for k in document_kinds(actor, detail="consent-documents")
            if k.kind is consent_kind
        ),
        None,
    )
    initial = {"title": current.title, "body": current.body} if current is not None else {}
    form = PublishForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = publish_consent_document(
                actor=actor,
                kind=consent_kind,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                now=clock.now(),
            )
        except FieldError as error:
            add_field_error(form, error)
        else:
            messages.success(
                request,
                f"Version {document.version} of the {CONSENT_LABELS[consent_kind].lower()} "
                "is published. Clients are asked to sign it from now on.",
            )
            return redirect("portal_staff:consent-documents")
    return render(
        request,
        "portal/staff_consent_publish.html",
        {"label": CONSENT_LABELS[consent_kind], "current": current, "form": form},
        status=UNPROCESSABLE if form.errors else 200,
    )
