"""The printable record of a medicine session, as PDF (WeasyPrint).

The HTML is rendered from a template with its stylesheet inline, and WeasyPrint's
URL fetcher refuses every URL: the PDF needs nothing from anywhere, so nothing
about the client can leak through a fetch (and no network is ever touched). The PDF
comes from ``audit.exports.pdf_response``, which records its SHA-256.
"""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from kapcare.audit.exports import DocumentKind, pdf_response
from kapcare.core.pdf import FetchRefused
from kapcare.medicine.services import RecordView
from kapcare.people.access import Actor
from kapcare.people.policy import Category

__all__ = ["FetchRefused", "record_pdf_response"]


def record_pdf_response(request: HttpRequest, actor: Actor, view: RecordView) -> HttpResponse:
    html = render_to_string(
        "medicine/record_pdf.html", {"view": view, "client": view.client}, request
    )
    # The file name carries ids only, never the client's name.
    return pdf_response(
        html,
        kind=DocumentKind.MEDICINE_RECORD,
        source=actor.audit_source,
        practice_id=actor.practice_id,
        client_id=view.client.pk,
        category=Category.MEDICINE_SESSION,
        filename=f"medicine-record-{view.appointment.pk}.pdf",
    )
