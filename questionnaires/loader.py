"""Load a questionnaire file and check it, reporting every problem with file, line and item."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.schema import (
    ITEM_TYPES,
    KINDS,
    SKIP,
    STATUSES,
    EnableWhen,
    Item,
    Option,
    Questionnaire,
    Section,
)
from questionnaires.yamlsource import line_of, read_yaml

_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_VERSION = re.compile(r"^\d+(\.\d+){0,2}$")
_BOOLEAN_OPTIONS = (Option("yes", "Yes"), Option("no", "No"))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read a YAML questionnaire file. Raises QuestionnaireError naming the file and line."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QuestionnaireError(
            [Problem(source, f"cannot read the file ({exc.strerror})")]
        ) from exc
    except UnicodeDecodeError as exc:
        raise QuestionnaireError([Problem(source, "the file is not UTF-8 text")]) from exc
    try:
        data = read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        message = getattr(exc, "problem", None) or str(exc)
        raise QuestionnaireError(
            [Problem(source, f"not valid YAML: {message}", line=line)]
        ) from exc
    return parse_questionnaire(data, source=source)


def parse_questionnaire(data: Any, *, source: str = "<questionnaire>") -> Questionnaire:
    """Build a Questionnaire from plain data (dicts and lists), checking everything first."""
    checker = _Checker(source)
    questionnaire = checker.questionnaire(data)
    if checker.problems or questionnaire is None:
        raise QuestionnaireError(checker.problems)
    return questionnaire


class _Checker:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        # The line where each item starts, and where its gate is, for later messages.
        self.item_lines: dict[str, int] = {}
        self.gate_lines: dict[str, int | None] = {}

    def problem(self, message: str, *, data: Any = None, key: str | None = None, item=None):
        self.problems.append(Problem(self.source, message, item=item, line=line_of(data, key)))

    def text(self, data: dict, key: str, *, required: bool = True, item=None) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(f"'{key}' is missing", data=data, item=item)
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"'{key}' must be non-empty text", data=data, key=key, item=item)
            return None
        return " ".join(value.split())

    def questionnaire(self, data: Any) -> Questionnaire | None:
        if not isinstance(data, dict):
            self.problem("the file must hold a mapping with 'id', 'version' and 'sections'")
            return None
        qid = self.text(data, "id")
        if qid is not None and not _ID.match(qid):
            self.problem(
                f"id '{qid}' must be lower-case letters, digits, '-' or '_'", data=data, key="id"
            )
        version = self.version(data)
        title = self.text(data, "title")
        kind = self.one_of(data, "kind", "indicator", KINDS)
        status = self.one_of(data, "status", "draft", STATUSES)
        domains = data.get("domains", [])
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            self.problem("'domains' must be a list of domain ids", data=data, key="domains")
            domains = []
        minutes = data.get("minutes")
        if minutes is not None and (not isinstance(minutes, int) or minutes <= 0):
            self.problem("'minutes' must be a whole number above 0", data=data, key="minutes")
            minutes = None
        sections = self.sections(data)
        self.check_gates(sections)
        if self.problems or qid is None or version is None or title is None:
            return None
        return Questionnaire(
            id=qid,
            version=version,
            title=title,
            kind=kind,
            status=status,
            sections=tuple(sections),
            description=self.text(data, "description", required=False) or "",
            domains=tuple(domains),
            minutes=minutes,
            basis=self.text(data, "basis", required=False) or "",
            licence=self.text(data, "licence", required=False) or "",
            source=self.source,
            item_lines=dict(self.item_lines),
        )

    def version(self, data: dict) -> str | None:
        raw_version = data.get("version")
        version = str(raw_version) if isinstance(raw_version, (str, int, float)) else None
        if raw_version is None:
            self.problem("'version' is missing", data=data)
        elif version is None:
            self.problem(
                'version must be text like "1.0", not a list or a mapping', data=data, key="version"
            )
        if version is not None and not _VERSION.match(version):
            self.problem(
                f"version '{version}' must look like 1, 1.2 or 1.2.3", data=data, key="version"
            )
        return version

    def one_of(self, data: dict, key: str, default: str, allowed: tuple[str, ...]) -> Any:
        value = data.get(key, default)
        if value not in allowed:
            self.problem(f"{key} '{value}' must be one of {', '.join(allowed)}", data=data, key=key)
        return value

    def sections(self, data: dict) -> list[Section]:
        raw_sections = data.get("sections")
        if not isinstance(raw_sections, list) or not raw_sections:
            self.problem(
                "'sections' must be a list with at least one section", data=data, key="sections"
            )
            raw_sections = []
        seen_items: dict[str, int | None] = {}
        seen_sections: set[str] = set()
        sections = []
        for raw in raw_sections:
            section = self.section(raw, seen_items, seen_sections)
            if section is not None:
                sections.append(section)
        return sections

    def section(self, data: Any, seen_items: dict, seen_sections: set) -> Section | None:
        if not isinstance(data, dict):
            self.problem("each section must be a mapping with 'id', 'title' and 'items'")
            return None
        sid = self.text(data, "id")
        if sid is not None:
            if sid in seen_sections:
                self.problem(f"section id '{sid}' is used twice", data=data, key="id")
            seen_sections.add(sid)
        title = self.text(data, "title")
        raw_items = data.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            self.problem(f"section '{sid}' must have a list of items", data=data, key="items")
            raw_items = []
        items = []
        for raw in raw_items:
            item = self.item(raw, seen_items)
            if item is not None:
                items.append(item)
        if sid is None or title is None:
            return None
        return Section(sid, title, tuple(items), intro=self.text(data, "intro", required=False))

    def item(self, data: Any, seen: dict) -> Item | None:
        if not isinstance(data, dict):
            self.problem("each item must be a mapping with 'id', 'type' and 'prompt'")
            return None
        iid = self.text(data, "id")
        if iid is None:
            return None
        if not _ID.match(iid):
            self.problem(
                "the id must be lower-case letters, digits, '-' or '_'",
                data=data,
                key="id",
                item=iid,
            )
        if iid in seen:
            self.problem(
                f"duplicate item id (first used on line {seen[iid]})", data=data, key="id", item=iid
            )
        line = line_of(data)
        seen[iid] = line
        if line is not None:
            self.item_lines.setdefault(iid, line)
        item_type = data.get("type", "choice")
        if item_type not in ITEM_TYPES:
            self.problem(
                f"type '{item_type}' must be one of {', '.join(ITEM_TYPES)}",
                data=data,
                key="type",
                item=iid,
            )
        prompt = self.text(data, "prompt", item=iid)
        options = self.options(data, iid, item_type)
        enable_when = self.enable_when(data, iid)
        minimum, maximum = data.get("min"), data.get("max")
        for key, bound in (("min", minimum), ("max", maximum)):
            if bound is not None and (
                isinstance(bound, bool) or not isinstance(bound, (int, float))
            ):
                self.problem(f"'{key}' must be a number", data=data, key=key, item=iid)
        meta = data.get("meta", {})
        if not isinstance(meta, dict):
            self.problem("item 'meta' must be a mapping", data=data, key="meta", item=iid)
            meta = {}
        if prompt is None:
            return None
        return Item(
            id=iid,
            type=item_type,
            prompt=prompt,
            hint=self.text(data, "hint", required=False, item=iid),
            options=options,
            enable_when=enable_when,
            read_aloud=self.text(data, "read_aloud", required=False, item=iid),
            summary=self.text(data, "summary", required=False, item=iid),
            minimum=minimum if isinstance(minimum, (int, float)) else None,
            maximum=maximum if isinstance(maximum, (int, float)) else None,
            meta={str(k): str(v) for k, v in meta.items()},
        )

    def options(self, data: dict, iid: str, item_type: str) -> tuple[Option, ...]:
        raw = data.get("options")
        if item_type == "boolean" and raw is None:
            return _BOOLEAN_OPTIONS
        if item_type not in ("choice", "boolean"):
            if raw is not None:
                self.problem(
                    f"a {item_type} item cannot have options", data=data, key="options", item=iid
                )
            return ()
        if not isinstance(raw, list) or len(raw) < 2:
            self.problem(
                "a choice item needs a list of at least two options",
                data=data,
                key="options",
                item=iid,
            )
            return ()
        options: list[Option] = []
        values: set[str] = set()
        for raw_option in raw:
            if not isinstance(raw_option, dict):
                self.problem(
                    "each option must be a mapping with 'value' and 'label'",
                    data=data,
                    key="options",
                    item=iid,
                )
                continue
            option = self.option(raw_option, iid, values)
            if option is not None:
                options.append(option)
        return tuple(options)

    def option(self, raw_option: dict, iid: str, values: set[str]) -> Option | None:
        """One option; ``values`` are those taken so far, and gets this one's."""
        value = raw_option.get("value")
        if value is None or isinstance(value, (dict, list)) or str(value).strip() == "":
            self.problem("an option has no value", data=raw_option, item=iid)
            return None
        value = str(value).lower() if isinstance(value, bool) else str(value)
        if value == SKIP:
            self.problem(
                f"option value '{SKIP}' is reserved for \"I'd rather not say\"",
                data=raw_option,
                key="value",
                item=iid,
            )
        if value in values:
            self.problem(
                f"option value '{value}' is used twice", data=raw_option, key="value", item=iid
            )
        values.add(value)
        label = self.text(raw_option, "label", item=iid)
        meta = raw_option.get("meta", {})
        if not isinstance(meta, dict):
            self.problem("option 'meta' must be a mapping", data=raw_option, key="meta", item=iid)
            meta = {}
        if label is None:
            return None
        return Option(
            value=value,
            label=label,
            hint=self.text(raw_option, "hint", required=False, item=iid),
            meta={str(k): str(v) for k, v in meta.items()},
        )

    def enable_when(self, data: dict, iid: str) -> tuple[EnableWhen, ...]:
        raw = data.get("enable_when")
        if raw is None:
            return ()
        self.gate_lines[iid] = line_of(data, "enable_when")
        raw_list = raw if isinstance(raw, list) else [raw]
        conditions = []
        for condition in raw_list:
            if not isinstance(condition, dict) or "item" not in condition:
                self.problem(
                    "'enable_when' needs 'item' and 'in' (the answers that open it)",
                    data=data,
                    key="enable_when",
                    item=iid,
                )
                continue
            values = condition.get("in", condition.get("equals"))
            values = values if isinstance(values, list) else [values]
            if not values or any(v is None for v in values):
                self.problem(
                    "'enable_when' needs the answers that open it in 'in'", data=condition, item=iid
                )
                continue
            conditions.append(
                EnableWhen(
                    item=str(condition["item"]),
                    values=frozenset(
                        str(v).lower() if isinstance(v, bool) else str(v) for v in values
                    ),
                )
            )
        return tuple(conditions)

    def check_gates(self, sections: list[Section]) -> None:
        """A gate must name an earlier item and answers that item can actually give."""
        earlier: dict[str, Item] = {}
        for section in sections:
            for item in section.items:
                for condition in item.enable_when:
                    gate = earlier.get(condition.item)
                    if gate is None:
                        self.problems.append(
                            Problem(
                                self.source,
                                f"'enable_when' refers to item '{condition.item}', which is not "
                                "an earlier item of this questionnaire",
                                item=item.id,
                                line=self.gate_lines.get(item.id),
                            )
                        )
                    elif gate.options:
                        unknown = sorted(condition.values - set(gate.option_values))
                        if unknown:
                            self.problems.append(
                                Problem(
                                    self.source,
                                    f"'enable_when' waits for answer(s) {', '.join(unknown)} "
                                    f"that item '{gate.id}' does not offer",
                                    item=item.id,
                                    line=self.gate_lines.get(item.id),
                                )
                            )
                earlier[item.id] = item
