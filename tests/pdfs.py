"""Reading our PDFs in tests: their structure tags (PDF/UA), in reading order."""

from __future__ import annotations

from pypdf import PdfReader


def structure_tags(reader: PdfReader) -> list[str]:
    """The PDF's structure tags (H1, Table, TH, ...) in reading order."""
    tags: list[str] = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get"):
            if "/S" in node:
                tags.append(str(node["/S"]).lstrip("/"))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return tags
