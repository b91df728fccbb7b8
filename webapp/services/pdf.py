"""Turning a rendered HTML document into a tagged PDF (PDF/UA-1) with WeasyPrint: used by the
printable documents (web/documents.py) and by the letters the outbox posts (letters.py).

Documents carry their own styles and need nothing from outside, so the URL fetcher allows
only data: URLs: rendering can never read local files or reach the network. WeasyPrint (and
Pango behind it) loads only when a document is made, keeping it out of every worker's
start-up time and memory."""

from __future__ import annotations


def document_fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",))


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=document_fetcher()).write_pdf(pdf_variant="pdf/ua-1")
