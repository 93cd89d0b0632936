"""Consent documents: read, sign with a typed name, download the signed copy, revoke."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kapcare.audit.exports import DocumentKind, pdf_response
from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core import clock
from kapcare.core.errors import FieldError
from kapcare.core.form_errors import add_field_error
from kapcare.pathway.documents import paragraphs
from kapcare.pathway.models import Consent, ConsentDocument
from kapcare.pathway.vocabulary import CONSENT_LABELS, ConsentKind
from kapcare.people.access import deny
from kapcare.people.policy import Category
from kapcare.portal.access import own_client, own_record, portal_actor
from kapcare.portal.consents import consent_rows
from kapcare.portal.forms import SignConsentForm
from kapcare.portal.services.consents import revoke_my_consent, sign_my_consent

UNPROCESSABLE = 422


@require_GET
def consents(request: HttpRequest) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.CLINICAL, detail="portal:consents")
    return render(request, "portal/consents.html", {"rows": consent_rows(client)})


@require_http_methods(["GET", "POST"])
def consent_document(request: HttpRequest, document_id: int) -> HttpResponse:
    actor = portal_actor(request)
    client = own_client(actor, Category.CLINICAL, detail="portal:consent-document")
    document = ConsentDocument.objects.filter(
        pk=document_id, practice_id=client.practice_id
    ).first()
    if document is None:
        raise deny(
            actor, category=Category.CLINICAL, action=AuditAction.READ, detail="consent-document"
        )
    form = SignConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_my_consent(
                actor=actor,
                document_id=document.pk,
                typed_name=form.cleaned_data["typed_name"],
                now=clock.now(),
            )
        except FieldError as error:
            add_field_error(form, error)
        else:
            messages.success(request, f"Thank you. You signed the {document.title.lower()}.")
            return redirect("portal:consents")
    row = next(r for r in consent_rows(client) if r.kind == ConsentKind(document.kind))
    return render(
        request,
        "portal/consent_document.html",
        {
            "document": document,
            "paragraphs": paragraphs(document.body),
            "is_current": row.document == document,
            "signed_current": row.signed_current,
            "form": form,
        },
        status=UNPROCESSABLE if form.errors else 200,
    )


@require_GET
def consent_pdf(request: HttpRequest, signed_id: int) -> HttpResponse:
    """The signed copy, as PDF (only of a consent the client signed in the portal)."""
    actor = portal_actor(request)
    consent = own_record(
        actor,
        Consent.objects.filter(document__isnull=False).select_related("document", "client"),
        signed_id,
        Category.CLINICAL,
        action=AuditAction.PRINT,
        detail="portal:consent-pdf",
    )
    document = consent.document
    if document is None:  # filtered out above; keeps the type checker sure
        raise deny(actor, category=Category.CLINICAL, action=AuditAction.PRINT)
    record_event(
        source=actor.audit_source,
        action=AuditAction.PRINT,
        client_id=consent.client_id,
        category=Category.CLINICAL,
        detail=f"portal:consent-pdf:{consent.pk}",
    )
    html = render_to_string(
        "portal/consent_pdf.html",
        {
            "consent": consent,
            "document": document,
            "label": CONSENT_LABELS[ConsentKind(consent.kind)],
            "paragraphs": paragraphs(document.body),
            "client": consent.client,
        },
    )
    # The file name carries ids only, never the client's name.
    return pdf_response(
        html,
        kind=DocumentKind.SIGNED_CONSENT,
        source=actor.audit_source,
        practice_id=consent.client.practice_id,
        client_id=consent.client_id,
        category=Category.CLINICAL,
        filename=f"signed-consent-{consent.pk}.pdf",
        disposition="attachment",
    )


@require_POST
def consent_revoke(request: HttpRequest, signed_id: int) -> HttpResponse:
    actor = portal_actor(request)
    try:
        consent = revoke_my_consent(actor=actor, consent_id=signed_id, now=clock.now())
    except FieldError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"You revoked your {CONSENT_LABELS[ConsentKind(consent.kind)].lower()}. "
            "Your care team has been told. You can sign it again whenever you choose.",
        )
    return redirect("portal:consents")
