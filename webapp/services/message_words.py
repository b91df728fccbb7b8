"""The words of each message, from message_words.yaml: filled in with the worker's name, team
and phone, the link and its deadline, and signed. Nothing else about the parent goes in."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).with_name("message_words.yaml")
FIELDS = frozenset(
    {
        *("worker_name", "team_name", "team_phone", "link", "deadline", "service_name"),
        # Staff alerts only: which case, and the address of its page.
        *("case_reference", "case_link"),
        # The parent's copy of the plan only: its adjustments, one "- " line each.
        "plan_items",
        # A meeting's invitation and reminders only: when, and where or how.
        *("meeting_when", "meeting_place"),
        # A staff account's invitation only: its set-up link, and who invited them.
        *("set_up_link", "inviter_name"),
    }
)


@dataclass(frozen=True)
class Words:
    subject: str
    body: str


@cache
def message_words() -> dict:
    with WORDS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fields_of(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def compose(kind: str, channel: str, fields: dict[str, str]) -> Words:
    """The subject and signed body of one kind of message on one channel."""
    words = message_words()
    entry = words["messages"][kind]
    body = entry[channel] + ("\n" + words["signature"] if entry.get("signed", True) else "")
    return Words(subject=entry["subject"].format(**fields), body=body.format(**fields))


def meeting_place_words(way: str, place: str) -> str:
    """Where a meeting is, said to the parent, by how it is held."""
    return message_words()["meeting_ways"][way].format(place=place.strip().rstrip("."))
