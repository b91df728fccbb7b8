"""Every message's words pass the plain-language gate (the questionnaires' own readability
check), and each says who it is from, what it is, by when, and that it is not a test."""

from __future__ import annotations

import pytest

from questionnaires.readability import check_texts
from webapp.services.message_words import (
    FIELDS,
    compose,
    fields_of,
    meeting_place_words,
    message_words,
)

# Plain values, so only our own words are judged (a link's dots would split sentences).
SAMPLE = {
    "worker_name": "Sam Jones",
    "team_name": "North Family Team",
    "team_phone": "020 7946 0000",
    "link": "the link",
    "deadline": "Tuesday 15 December",
    "service_name": "Support",
    "case_reference": "C000042",
    "case_link": "the case link",
    "plan_items": "- We will talk slowly.\n- We will phone before we write.",
    "meeting_when": "Tuesday 15 December at 2pm",
    "meeting_place": "We will meet at the family centre.",
    "set_up_link": "the set-up link",
    "inviter_name": "Ada Admin",
}
CHANNELS = ("sms", "email", "letter")


def every_message(*, signed_only: bool = False):
    return [
        (kind, channel)
        for kind, entry in sorted(message_words()["messages"].items())
        for channel in CHANNELS
        if channel in entry and (entry.get("signed", True) or not signed_only)
    ]


def letter_only(kind: str) -> bool:
    """A copy of a paper document (the parent's plan): posted, with no link and no deadline."""
    return bool(message_words()["messages"][kind].get("letter_only"))


def test_every_message_to_a_parent_has_all_three_channels():
    parents = [
        kind
        for kind, entry in message_words()["messages"].items()
        if entry.get("signed", True) and not entry.get("letter_only")
    ]
    linked = [(k, c) for k, c in every_message(signed_only=True) if not letter_only(k)]
    assert {kind for kind, _channel in linked} == set(parents)
    assert len(linked) == 3 * len(parents)
    assert [c for k, c in every_message(signed_only=True) if letter_only(k)] == ["letter"]


@pytest.mark.parametrize(("kind", "channel"), every_message())
def test_each_message_passes_the_plain_language_gate(kind, channel):
    words = compose(kind, channel, SAMPLE)
    findings = check_texts({f"{kind}/{channel}": words.body, f"{kind}/subject": words.subject})
    assert findings == [], "\n".join(map(str, findings))


@pytest.mark.parametrize(("kind", "channel"), every_message(signed_only=True))
def test_each_message_is_signed_with_a_deadline_and_says_it_is_not_a_test(kind, channel):
    body = compose(kind, channel, SAMPLE).body
    for value in ("Sam Jones", "North Family Team", "020 7946 0000"):
        assert value in body
    if kind.startswith("meeting_"):  # a meeting's words say when and where, not a link
        assert "Tuesday 15 December at 2pm" in body and "the family centre" in body
    elif not letter_only(kind):
        assert "Tuesday 15 December" in body and "the link" in body
    assert "not a test" in body
    # Signed at the end: the last lines name the worker, team and phone number.
    assert body.splitlines()[-2:] == ["From Sam Jones, North Family Team.", "Phone 020 7946 0000."]


def test_messages_use_only_the_fields_we_fill_in():
    words = message_words()
    texts = [words["signature"]] + [
        text
        for entry in words["messages"].values()
        for text in entry.values()
        if isinstance(text, str)
    ]
    assert set().union(*(fields_of(text) for text in texts)) <= FIELDS


def test_the_gate_catches_a_long_sentence_in_a_message(monkeypatch):
    """The check is shown once to catch a planted fault: a sentence of 20 words."""
    words = message_words()
    planted = {
        **words,
        "messages": {
            **words["messages"],
            "link": {
                **words["messages"]["link"],
                "sms": "We would very much like you to answer all of these questions for us "
                "before the end of the month please.",
            },
        },
    }
    monkeypatch.setattr("webapp.services.message_words.message_words", lambda: planted)
    findings = check_texts({"link/sms": compose("link", "sms", SAMPLE).body})
    assert [f.rule for f in findings] == ["sentence-length"]


@pytest.mark.parametrize("way", ["in_person", "phone", "video"])
def test_where_a_meeting_is_passes_the_plain_language_gate(way):
    words = meeting_place_words(way, "the family centre, 1 High Street")
    assert check_texts({way: words}) == []
    assert ("the family centre" in words) == (way == "in_person")
