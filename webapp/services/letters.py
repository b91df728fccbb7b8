"""Letters as PDF: the outbox row's address, subject and words, laid out to GOV.UK Notify's
letter specification, for Notify's precompiled-letter call or for the worker to print when
Notify is not set up. Made from the row alone, so a letter says what was queued."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import current_app

from webapp.services.pdf import pdf_from_html

# Notify takes up to 7 address lines; the first is the name, the last the postcode.
MAX_ADDRESS_LINES = 7
LIST_ITEM = "- "


@dataclass(frozen=True)
class LetterLayout:
    """Where things go on the page, in mm from the page's top left corner. Notify's
    specification: content 15 mm in from each side and 5 mm from top and bottom; the address
    window 24.6 mm from the left, 39.5 mm from the top, 95 x 26.8 mm; nothing else above 95
    mm and left of 125 mm below 30 mm. Ours sit a little inside those lines."""

    margin_top: float = 15
    margin_bottom: float = 15
    margin_side: float = 18
    address_left: float = 25.6
    address_top: float = 40.5
    address_width: float = 93
    address_height: float = 24.8
    address_line: float = 3.5  # 7 lines of it fit the window's height
    content_top: float = 100


LETTER_LAYOUT = LetterLayout()


def address_lines(recipient: str) -> list[str]:
    """The parent's name and postal address as at most 7 lines: the name and the postcode
    kept, the middle joined when there are more."""
    lines = [line.strip() for line in recipient.splitlines() if line.strip()]
    if len(lines) > MAX_ADDRESS_LINES:
        lines = [*lines[:5], ", ".join(lines[5:-1]), lines[-1]]
    return lines


def blocks(body: str) -> list[tuple[str, str | list[str]]]:
    """The words as paragraphs, a link, and lists (consecutive lines starting "- ")."""
    found: list[tuple[str, str | list[str]]] = []
    for line in (line.strip() for line in body.splitlines()):
        if not line:
            continue
        if line.startswith(LIST_ITEM):
            item = line.removeprefix(LIST_ITEM)
            last = found[-1][1] if found and found[-1][0] == "list" else None
            if isinstance(last, list):
                last.append(item)
            else:
                found.append(("list", [item]))
        elif line.startswith(("http://", "https://")):
            found.append(("link", line))
        else:
            found.append(("paragraph", line))
    return found


def letter_html(recipient: str, subject: str, body: str) -> str:
    """Rendered without the pages' context processors: the sender makes letters outside any
    request, and a letter needs only the settings."""
    return current_app.jinja_env.get_template("documents/letter.html").render(
        config=current_app.config,
        address=address_lines(recipient),
        subject=subject,
        blocks=blocks(body),
        layout=asdict(LETTER_LAYOUT),
    )


def letter_pdf(recipient: str, subject: str, body: str) -> bytes:
    """The letter as a tagged PDF (PDF/UA-1), ready for Notify or the printer."""
    return pdf_from_html(letter_html(recipient, subject, body))
