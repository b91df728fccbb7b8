"""Bounds on what an address may hold: an id in a URL (`<int:...>`) above any record's id is
not found (404), rather than a number the database cannot compare with its columns (500)."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from webapp.storage.states import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` with a ceiling: the largest id a record can have."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app: Flask) -> None:
    """Before any blueprint: routes pick their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
