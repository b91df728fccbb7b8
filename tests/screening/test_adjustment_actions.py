"""The rules that turn a plan's adjustments into a meeting's actions (adjustment_actions.yaml):
the shipped rules, the times and due dates they give, and a broken file's errors."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest

from questionnaires import ContentError
from screening import builtin_content, load_content
from screening.actions import (
    add_working_days,
    contact_plan,
    contact_problems,
    meeting_actions,
    when_words,
)
from screening.content import CONTENT_DIR

RULES = builtin_content().actions
# A Thursday afternoon meeting, booked on the Tuesday of the week before.
STARTS = datetime(2026, 12, 10, 14, 0)
BOOKED = datetime(2026, 12, 1, 9, 30)


def actions(*adjustment_ids, starts=STARTS, booked=BOOKED, language="Polish"):
    return meeting_actions(adjustment_ids, RULES, starts, booked, language)


def test_every_rule_names_an_adjustment_in_the_catalogue():
    assert set(RULES) <= set(builtin_content().adjustments)
    assert {"text-reminders", "language-interpreter", "summary-after-meeting"} <= set(RULES)


def test_text_reminders_come_the_day_before_and_the_morning_of():
    found = actions("text-reminders")
    assert [(r.send_at, r.channel) for r in found.reminders] == [
        (datetime(2026, 12, 9, 10, 0), "sms"),
        (datetime(2026, 12, 10, 8, 0), "sms"),
    ]
    assert found.tasks == []


def test_a_reminder_already_past_or_after_the_start_is_not_sent():
    # Booked the evening before a 7:30 meeting: the day-before reminder has passed and the
    # morning one would come after the start.
    found = actions("text-reminders", starts=datetime(2026, 12, 10, 7, 30), booked=STARTS)
    assert found.reminders == []


def test_the_interpreter_task_names_the_case_language_and_is_due_five_days_before():
    (task,) = actions("language-interpreter").tasks
    assert task.kind == "book_interpreter"
    assert task.text == (
        "Book a professional interpreter in Polish for the meeting on Thursday 10 December at 2pm."
    )
    assert task.due_on == date(2026, 12, 5)


def test_a_task_due_before_the_booking_is_due_on_the_day_of_booking():
    (task,) = actions("language-interpreter", booked=datetime(2026, 12, 8, 9, 0)).tasks
    assert task.due_on == date(2026, 12, 8)


def test_the_summary_is_due_two_working_days_after_the_meeting():
    (task,) = actions("summary-after-meeting").tasks
    assert task.kind == "send_summary"
    assert task.due_on == date(2026, 12, 14)  # Thursday + 2 working days, over the weekend
    assert add_working_days(date(2026, 12, 7), 2) == date(2026, 12, 9)


def test_room_needs_format_and_phone_first_are_gathered_from_every_adjustment():
    found = actions(
        "low-noise-room", "extended-appointment", "large-print", "easy-read-information"
    )
    assert found.needs == [
        "A quiet room with no background noise and soft lighting",
        "Extra time (book double the usual length)",
    ]
    assert found.invitation_format == "easy_read"  # the strongest format asked for
    assert found.phone_first is False
    assert actions("phone-before-letters").phone_first is True
    assert actions("explain-next-steps").invitation_format == "standard"


def test_when_words_say_the_day_and_time_in_full():
    assert when_words(datetime(2026, 3, 3, 14, 0)) == "Tuesday 3 March at 2pm"
    assert when_words(datetime(2026, 3, 3, 9, 15)) == "Tuesday 3 March at 9:15am"


BROKEN = """\
actions:
  text-reminders:
    reminders:
      - {days_before: 1, at: "25:00", channel: sms}
  language-interpreter:
    tasks:
      - {kind: book_interpreter, text: "Book one in {langauge}.", due: {days_before: 5}}
  no-such-adjustment:
    meeting_needs: [A room]
  low-noise-room:
    meeting_needs: A quiet room
  large-print:
    invitation: {format: tiny}
"""


def test_a_broken_actions_file_names_the_file_line_and_adjustment(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    (directory / "adjustment_actions.yaml").write_text(BROKEN)
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    lines = str(caught.value).splitlines()
    where = f"{directory / 'adjustment_actions.yaml'}"
    assert lines == [
        f"{where}:4: item 'text-reminders': a reminder's time must be HH:MM (24-hour), not '25:00'",
        f"{where}:7: item 'language-interpreter': a task's text may use only {{language}} and "
        "{when}, not {'langauge'}",
        f"{where}:8: item 'no-such-adjustment': is not in the adjustment catalogue",
        f"{where}:11: item 'low-noise-room': meeting_needs must be a list of words",
        f"{where}:13: item 'large-print': invitation format must be one of easy_read, "
        "large_print, standard",
    ]


def test_a_missing_actions_file_stops_the_load(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    (directory / "adjustment_actions.yaml").unlink()
    with pytest.raises(ContentError, match="adjustment_actions.yaml: cannot read"):
        load_content(directory)


def test_a_contact_is_checked_for_channel_format_and_order():
    plan = contact_plan(
        ["contact-by-letter", "easy-read-information", "phone-before-letters"], RULES
    )
    assert (plan.channel, plan.format, plan.phone_first) == ("letter", "easy_read", True)

    def problems(channel, fmt, reached=False, phoned=False):
        return contact_problems(
            plan, channel, fmt, reached_the_plans_way=reached, phoned_since_last_letter=phoned
        )

    assert problems("letter", "standard") == [
        "The plan says easy read; this is standard.",
        "The plan says phone the parent before any letter; no call is recorded.",
    ]
    assert problems("letter", "easy_read", phoned=True) == []
    assert problems("phone", "standard") == []  # the call the plan asks for
    assert problems("sms", "easy_read") == [
        "The plan says contact the parent by a letter first; this is a text message."
    ]
    assert problems("sms", "easy_read", reached=True) == []
    assert contact_problems(
        contact_plan([], RULES), "letter", "standard",
        reached_the_plans_way=False, phoned_since_last_letter=False,
    ) == []  # fmt: skip
