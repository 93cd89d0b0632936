"""HTML to PDF (WeasyPrint), self-contained: every URL fetch is refused.

The HTML carries its stylesheet inline; refusing fetches means nothing about a client
can leak through one (and no network is ever touched).
"""

from typing import Any, NoReturn

__all__ = ["FetchRefused", "html_to_pdf"]


class FetchRefused(ValueError):
    """The PDF asked for a URL: it must be self-contained."""


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise FetchRefused("A KAP Care PDF fetches nothing.")


def html_to_pdf(html: str) -> bytes:
    # Imported when a PDF is asked for: WeasyPrint is heavy and logs at import, and
    # every page and command would otherwise pay for it.
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(string=html, base_url="about:blank", url_fetcher=_no_fetch)
    # write_pdf without a target answers the document's bytes.
    return bytes(document.write_pdf())
