"""Booking a meeting and recording an outside contact ask the same question when the plan is
not followed: one reason field, trimmed, with one limit."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from webapp.forms.meetings import MeetingForm, OutsideContactForm


def forms(app, reason: str):
    with app.test_request_context():
        data = MultiDict({"reason": reason})
        meta = {"csrf": False}
        yield MeetingForm(data, meta=meta, today=date(2026, 1, 5))
        yield OutsideContactForm(data, meta=meta)


@pytest.mark.parametrize("form_index", [0, 1])
def test_each_form_asks_the_reason_the_same_way(app, form_index):
    form = list(forms(app, "  The parent asked.  "))[form_index]
    assert form.reason.label.text == "Why go ahead without following the plan?"
    assert form.reason.data == "The parent asked."
    form.validate()
    assert "reason" not in form.errors


@pytest.mark.parametrize("form_index", [0, 1])
def test_a_long_reason_is_refused_with_the_same_words(app, form_index):
    form = list(forms(app, "x" * 1001))[form_index]
    form.validate()
    assert form.errors["reason"] == ["Reason must be 1000 characters or fewer"]
