"""The plan's adjustments as actions for a meeting (adjustment_actions.yaml): reminders at named
times, tasks with due dates, what the room needs and how the invitation goes. Read and checked
with the rest of the content, so a wrong time or an unknown adjustment stops the start with
the file, line and adjustment; applied with plain values (local times, no time zones)."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from questionnaires import Problem
from questionnaires.yamlsource import line_of

CHANNELS = ("sms", "email", "letter")
# The strongest format asked for wins: easy read serves large print's readers too.
FORMATS = ("easy_read", "large_print", "standard")
TASK_FIELDS = frozenset({"language", "when"})
ENTRY_KEYS = frozenset({"reminders", "tasks", "meeting_needs", "invitation", "contact"})
# The ways a contact can go: Notify's three channels, and a call or a meeting by the worker.
CONTACT_CHANNELS = (*CHANNELS, "phone", "in_person")
CHANNEL_NAMES = {
    "sms": "a text message",
    "email": "an email",
    "letter": "a letter",
    "phone": "a phone call",
    "in_person": "meeting in person",
}
FORMAT_NAMES = {"easy_read": "easy read", "large_print": "large print", "standard": "standard"}
CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class ReminderRule:
    days_before: int
    at: time
    channel: str


@dataclass(frozen=True)
class TaskRule:
    kind: str
    text: str
    days_before: int | None = None
    working_days_after: int | None = None


@dataclass(frozen=True)
class AdjustmentActions:
    adjustment_id: str
    reminders: tuple[ReminderRule, ...] = ()
    tasks: tuple[TaskRule, ...] = ()
    meeting_needs: tuple[str, ...] = ()
    invitation_format: str | None = None
    phone_first: bool = False
    contact_channel: str | None = None


@dataclass(frozen=True)
class Reminder:
    send_at: datetime  # local time
    channel: str
    adjustment_id: str


@dataclass(frozen=True)
class Task:
    kind: str
    text: str
    due_on: date
    adjustment_id: str


@dataclass
class MeetingActions:
    """What one meeting needs, from the adjustments of the parent's plan."""

    reminders: list[Reminder] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    invitation_format: str = "standard"
    phone_first: bool = False


def when_words(moment: datetime) -> str:
    """A day and time in full, as the text-reminders adjustment asks: "Tuesday 4 March at 2pm"."""
    hour = moment.strftime("%-I")
    minutes = "" if moment.minute == 0 else moment.strftime(":%M")
    return f"{moment.strftime('%A %-d %B')} at {hour}{minutes}{moment.strftime('%p').lower()}"


def add_working_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def meeting_actions(
    adjustment_ids: Iterable[str],
    rules: dict[str, AdjustmentActions],
    starts_at: datetime,
    booked_at: datetime,
    language: str,
) -> MeetingActions:
    """The actions for a meeting starting at ``starts_at``, booked at ``booked_at`` (both local),
    in the order of the plan's adjustments."""
    result = MeetingActions()
    formats = set()
    for adj_id in adjustment_ids:
        rule = rules.get(adj_id)
        if rule is None:
            continue
        for reminder in rule.reminders:
            send_at = datetime.combine(
                starts_at.date() - timedelta(days=reminder.days_before), reminder.at
            )
            if booked_at <= send_at < starts_at:
                result.reminders.append(Reminder(send_at, reminder.channel, adj_id))
        for task in rule.tasks:
            result.tasks.append(_task(task, adj_id, starts_at, booked_at, language))
        result.needs.extend(n for n in rule.meeting_needs if n not in result.needs)
        if rule.invitation_format:
            formats.add(rule.invitation_format)
        result.phone_first = result.phone_first or rule.phone_first
    result.invitation_format = next((f for f in FORMATS if f in formats), "standard")
    result.reminders.sort(key=lambda r: r.send_at)
    return result


def _task(
    rule: TaskRule, adj_id: str, starts_at: datetime, booked_at: datetime, language: str
) -> Task:
    if rule.working_days_after is not None:
        due = add_working_days(starts_at.date(), rule.working_days_after)
    else:
        due = max(starts_at.date() - timedelta(days=rule.days_before or 0), booked_at.date())
    text = rule.text.format(language=language, when=when_words(starts_at))
    return Task(rule.kind, text, due, adj_id)


def load_actions(
    source: str, raw: Any, adjustments: Iterable[str], problems: list[Problem]
) -> dict[str, AdjustmentActions]:
    """Every entry of the actions file (``raw``, its 'actions' mapping as read with lines),
    checked against the adjustment catalogue."""
    known = set(adjustments)
    raw = raw or {}
    if not isinstance(raw, dict):
        problems.append(Problem(source, "'actions' must map adjustment ids to their actions"))
        return {}
    found = {}
    for adj_id, entry in raw.items():
        where = _Where(source, str(adj_id), problems)
        line = line_of(raw, adj_id)
        if adj_id not in known:
            where.add("is not in the adjustment catalogue", line)
            continue
        if not isinstance(entry, dict) or not entry or not set(entry) <= ENTRY_KEYS:
            where.add(f"give one or more of {', '.join(sorted(ENTRY_KEYS))}", line)
            continue
        found[adj_id] = AdjustmentActions(
            adjustment_id=adj_id,
            reminders=tuple(_reminders(entry, where)),
            tasks=tuple(_tasks(entry, where)),
            meeting_needs=tuple(_needs(entry, where)),
            **_invitation(entry, where),
            **_contact(entry, where),
        )
    return found


@dataclass
class _Where:
    source: str
    adjustment: str
    problems: list[Problem]

    def add(self, message: str, line: int | None) -> None:
        self.problems.append(Problem(self.source, message, item=self.adjustment, line=line))


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _list_of_mappings(entry: dict, key: str, where: _Where) -> list[dict]:
    items = entry.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        where.add(f"{key} must be a list of mappings", line_of(entry, key))
        return []
    return items


def _reminders(entry: dict, where: _Where) -> list[ReminderRule]:
    rules = []
    for item in _list_of_mappings(entry, "reminders", where):
        line = line_of(item)
        days = _count(item.get("days_before"))
        clock = CLOCK.fullmatch(str(item.get("at", "")))
        channel = item.get("channel")
        if days is None:
            where.add("a reminder's days_before must be a whole number, 0 or more", line)
        if clock is None:
            where.add(f"a reminder's time must be HH:MM (24-hour), not '{item.get('at')}'", line)
        if channel not in CHANNELS:
            where.add(f"a reminder's channel must be one of {', '.join(CHANNELS)}", line)
        if days is not None and clock is not None and channel in CHANNELS:
            at = time(int(clock.group(1)), int(clock.group(2)))
            rules.append(ReminderRule(days, at, channel))
    return rules


def _tasks(entry: dict, where: _Where) -> list[TaskRule]:
    rules = []
    for item in _list_of_mappings(entry, "tasks", where):
        line = line_of(item)
        kind, text, due = item.get("kind"), item.get("text"), item.get("due")
        if not isinstance(kind, str) or not re.fullmatch(r"[a-z_]{1,30}", kind):
            where.add("a task needs a kind: lower-case letters and _, up to 30", line)
        if not isinstance(text, str) or not text.strip():
            where.add("a task needs its text", line)
            text = ""
        unknown = {n for _, n, _, _ in string.Formatter().parse(text) if n} - TASK_FIELDS
        if unknown:
            where.add(f"a task's text may use only {{language}} and {{when}}, not {unknown}", line)
        due_days = _due(due)
        if due_days is None:
            where.add("a task's due is {days_before: N} or {working_days_after: N}", line)
        if isinstance(kind, str) and text and not unknown and due_days is not None:
            rules.append(TaskRule(kind, " ".join(text.split()), **due_days))
    return rules


def _due(due: Any) -> dict[str, int] | None:
    if not isinstance(due, dict) or len(due) != 1:
        return None
    ((key, value),) = due.items()
    if key not in ("days_before", "working_days_after") or _count(value) is None:
        return None
    return {key: value}


def _needs(entry: dict, where: _Where) -> list[str]:
    needs = entry.get("meeting_needs") or []
    if not isinstance(needs, list) or not all(isinstance(n, str) and n.strip() for n in needs):
        where.add("meeting_needs must be a list of words", line_of(entry, "meeting_needs"))
        return []
    return [" ".join(n.split()) for n in needs]


def _invitation(entry: dict, where: _Where) -> dict[str, Any]:
    invitation = entry.get("invitation")
    if invitation is None:
        return {}
    line = line_of(entry, "invitation")
    if not isinstance(invitation, dict) or not set(invitation) <= {"format", "phone_first"}:
        where.add("invitation may give only format and phone_first", line)
        return {}
    found: dict[str, Any] = {}
    if "format" in invitation:
        if invitation["format"] not in FORMATS:
            where.add(f"invitation format must be one of {', '.join(FORMATS)}", line)
        else:
            found["invitation_format"] = invitation["format"]
    if "phone_first" in invitation:
        if not isinstance(invitation["phone_first"], bool):
            where.add("phone_first is true or false", line)
        else:
            found["phone_first"] = invitation["phone_first"]
    return found


def _contact(entry: dict, where: _Where) -> dict[str, Any]:
    contact = entry.get("contact")
    if contact is None:
        return {}
    if not isinstance(contact, dict) or set(contact) != {"channel"}:
        where.add("contact gives only the channel", line_of(entry, "contact"))
        return {}
    if contact["channel"] not in CONTACT_CHANNELS[:4]:
        where.add(
            f"contact channel must be one of {', '.join(CONTACT_CHANNELS[:4])}",
            line_of(entry, "contact"),
        )
        return {}
    return {"contact_channel": contact["channel"]}


@dataclass(frozen=True)
class ContactPlan:
    """What the plan says about every contact: the way first, the format, and phone first."""

    channel: str | None
    format: str
    phone_first: bool


def contact_plan(adjustment_ids: Iterable[str], rules: dict[str, AdjustmentActions]) -> ContactPlan:
    found = [rules[a] for a in adjustment_ids if a in rules]
    formats = {r.invitation_format for r in found if r.invitation_format}
    return ContactPlan(
        channel=next((r.contact_channel for r in found if r.contact_channel), None),
        format=next((f for f in FORMATS if f in formats), "standard"),
        phone_first=any(r.phone_first for r in found),
    )


def contact_problems(
    plan: ContactPlan,
    channel: str,
    format: str,
    *,
    reached_the_plans_way: bool,
    phoned_since_last_letter: bool,
) -> list[str]:
    """How a contact by ``channel`` in ``format`` departs from the plan; [] when it follows.
    The plan's first way is kept when this contact is by it, or the parent was reached by it
    recently (``reached_the_plans_way``); a meeting in person is never out of order."""
    problems = []
    in_order = (
        channel in (plan.channel, "in_person")
        or (channel == "phone" and plan.phone_first)  # the call the plan asks for
        or reached_the_plans_way
    )
    if plan.channel and not in_order:
        problems.append(
            f"The plan says contact the parent by {CHANNEL_NAMES[plan.channel]} first; "
            f"this is {CHANNEL_NAMES[channel]}."
        )
    if channel in CHANNELS and plan.format != "standard" and format != plan.format:
        problems.append(
            f"The plan says {FORMAT_NAMES[plan.format]}; this is {FORMAT_NAMES[format]}."
        )
    if channel == "letter" and plan.phone_first and not phoned_since_last_letter:
        problems.append("The plan says phone the parent before any letter; no call is recorded.")
    return problems
