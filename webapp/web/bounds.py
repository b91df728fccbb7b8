"""Bounds on what a request may hold: an id in a URL (`<int:...>`) above any record's id is
not found (404), rather than a number the database cannot compare with its columns (500); and
a NUL character in a form field or the query string is dropped, since no text means one and
PostgreSQL refuses it in text (a 500 for whoever pasted it)."""

from __future__ import annotations

from flask import Flask, Request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from webapp.storage.states import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` with a ceiling: the largest id a record can have."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


NUL = "\x00"


def _without_nul(values: MultiDict) -> MultiDict:
    pairs = list(values.items(multi=True))
    if not any(NUL in key or NUL in value for key, value in pairs if isinstance(value, str)):
        return values  # nearly always: nothing to copy
    return type(values)(
        (key.replace(NUL, ""), value.replace(NUL, "") if isinstance(value, str) else value)
        for key, value in pairs
    )


class BoundedRequest(Request):
    """Flask's request, with NUL characters dropped from form values and the query string."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])

    @cached_property
    def args(self) -> MultiDict:  # type: ignore[override]
        return _without_nul(Request.args.fget(self))  # type: ignore[attr-defined]


def register(app: Flask) -> None:
    """Before any blueprint: routes pick their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = BoundedRequest
