"""Printable documents as tagged PDF (PDF/UA-1) with WeasyPrint: the communication plan for
staff, the same plan in easy read for the parent, and a referral summary for clinicians.

Documents carry their own styles and need nothing from outside, so the URL fetcher allows
only data: URLs: rendering can never read local files or reach the network."""

from __future__ import annotations

from flask import Response, render_template

# WeasyPrint (and Pango behind it) loads only when a document is printed, keeping it out of
# every worker's start-up time and memory.


def document_fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",))


def render_pdf(template: str, *, filename: str, **context) -> Response:
    from weasyprint import HTML

    html = render_template(template, **context)
    pdf = HTML(string=html, url_fetcher=document_fetcher()).write_pdf(pdf_variant="pdf/ua-1")
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
