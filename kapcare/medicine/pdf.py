"""The printable record of a medicine session, as PDF (WeasyPrint).

The HTML is rendered from a template with its stylesheet inline, and WeasyPrint's
URL fetcher refuses every URL: the PDF needs nothing from anywhere, so nothing
about the client can leak through a fetch (and no network is ever touched).
"""

from typing import Any, NoReturn

from django.http import HttpRequest
from django.template.loader import render_to_string

from kapcare.medicine.services import RecordView


class FetchRefused(ValueError):
    """The PDF asked for a URL: it must be self-contained."""


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise FetchRefused("The medicine record PDF fetches nothing.")


def render_record_pdf(request: HttpRequest, view: RecordView) -> bytes:
    # Imported when a PDF is asked for: WeasyPrint is heavy and logs at import, and
    # every page and command would otherwise pay for it.
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string(
        "medicine/record_pdf.html", {"view": view, "client": view.client}, request
    )
    document = HTML(string=html, base_url="about:blank", url_fetcher=_no_fetch)
    # write_pdf without a target answers the document's bytes.
    return bytes(document.write_pdf())
