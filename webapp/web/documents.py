"""Printable documents as tagged PDF (PDF/UA-1): the communication plan for staff, the same
plan in easy read for the parent, and a referral summary for clinicians. The rendering itself
is services/pdf.py's, shared with the letters the outbox posts."""

from __future__ import annotations

from flask import Response, render_template

from webapp.services.pdf import pdf_from_html


def pdf_response(pdf: bytes, filename: str) -> Response:
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def render_pdf(template: str, *, filename: str, **context) -> Response:
    return pdf_response(pdf_from_html(render_template(template, **context)), filename)
