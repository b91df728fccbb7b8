"""The plan rules that remember: removals that stay removed, and answers that say no."""

from __future__ import annotations

import shutil

import pytest

from screening import builtin_content
from screening.content import CONTENT_DIR, ContentError, load_content
from screening.plan import conflicts_with_answers, kept_removed


def test_a_removal_stays_unless_a_new_reason_proposes_it():
    assert kept_removed(["Signs of reading difficulties."], ["Signs of reading difficulties."])
    assert kept_removed([], ["a", "b"]) == (True, [])  # fewer reasons: nothing new
    assert kept_removed(["a", "new"], ["a"]) == (False, ["new"])


def test_an_answer_that_says_no_marks_only_its_own_adjustment():
    content = builtin_content()
    answers = {"communication-preferences": {"cp_phone_first": "no", "cp_reminders": "yes"}}
    found = conflicts_with_answers(["phone-before-letters", "text-reminders"], answers, content)
    assert list(found) == ["phone-before-letters"]
    assert conflicts_with_answers(["text-reminders"], answers, content) == {}
    assert conflicts_with_answers(["phone-before-letters"], {}, content) == {}


def test_a_conflict_naming_an_unknown_adjustment_is_a_content_problem(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    (directory / "plan_conflicts.yaml").write_text(
        "conflicts:\n  - {adjustment: phone-first, questionnaire: q, item: i, answer: 'no'}\n"
        "  - {adjustment: text-reminders}\n"
    )
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    text = str(caught.value)
    assert "'phone-first' is not in the adjustment catalogue" in text
    assert "each conflict needs adjustment, questionnaire, item, answer" in text
