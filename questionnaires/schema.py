"""The questionnaire as plain, immutable data.

A questionnaire has an id and a version, sections of items, and items with options. Scoring is
not here: scorecards (in ``models``) give points to the options of items, so one questionnaire can
feed several domains and a published instrument can be re-scored without being edited.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

# Every item can be skipped. The answer value for "I'd rather not say" is reserved.
SKIP = "skip"

ITEM_TYPES = ("choice", "boolean", "integer", "decimal", "text")
KINDS = ("indicator", "preferences", "instrument")
STATUSES = ("draft", "published")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str | None = None
    # Extra data a preference option carries (e.g. the adjustment it asks for).
    meta: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EnableWhen:
    """Show an item only when another item's answer is one of ``values`` (a gate question)."""

    item: str
    values: frozenset[str]

    def holds(self, answers: Mapping[str, str | None]) -> bool:
        return answers.get(self.item) in self.values


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    prompt: str
    hint: str | None = None
    options: tuple[Option, ...] = ()
    enable_when: tuple[EnableWhen, ...] = ()
    # Words read aloud instead of the prompt, where the prompt reads badly as speech.
    read_aloud: str | None = None
    # A short noun phrase for explanations: "3 points from finding forms hard".
    summary: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    # Extra data the item carries, like Option.meta. For a text item in a preferences
    # questionnaire, ``preference: language`` turns the answer "Polish" into "language:polish".
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def label_for(self, value: str | None) -> str:
        if value is None:
            return "Not answered"
        if value == SKIP:
            return "I'd rather not say"
        option = self.option(value)
        return option.label if option else value

    def is_enabled(self, answers: Mapping[str, str | None]) -> bool:
        return all(condition.holds(answers) for condition in self.enable_when)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    intro: str | None = None


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    kind: str
    status: str
    sections: tuple[Section, ...]
    description: str = ""
    domains: tuple[str, ...] = ()
    minutes: int | None = None
    # Where the content came from and under what terms (CamCOPS-style licence record).
    basis: str = ""
    licence: str = ""
    source: str = ""
    # The line where each item starts in its YAML file (empty for data from elsewhere), so a
    # checker can point at the line to fix. Not part of the questionnaire's identity.
    item_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        for item in self.iter_items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def iter_items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    def enabled_items(self, answers: Mapping[str, str | None]) -> list[Item]:
        """The items a person is asked, given the answers so far (gates applied in order)."""
        return [item for item in self.iter_items() if item.is_enabled(answers)]

    def effective_answers(self, answers: Mapping[str, str | None]) -> dict[str, str | None]:
        """Answers to items that are enabled; answers behind a closed gate do not count."""
        return {item.id: answers.get(item.id) for item in self.enabled_items(answers)}
