"""The plan review's questions to the parent (review_questions.yaml): one easy-read question
for every adjustment in the catalogue, and a broken file's errors naming file, line and item."""

from __future__ import annotations

import shutil

import pytest

from questionnaires import ContentError
from questionnaires.readability import MAX_SENTENCE_WORDS, split_sentences, words
from screening import builtin_content, content, load_content
from screening.content import CONTENT_DIR
from screening.review_questions import ANSWER_CODES
from tests.conftest import TEST_CONFIG
from webapp import create_app
from webapp.storage.states import ReviewAnswer

REVIEW = builtin_content().review


def test_every_adjustment_has_a_short_question_and_the_answers_have_their_words():
    assert set(REVIEW.questions) == set(builtin_content().adjustments)
    assert REVIEW.questions["phone-before-letters"] == (
        "We phoned you before sending letters. Did this help?"
    )
    for question in REVIEW.questions.values():
        assert question.endswith("Did this help?")
        assert all(len(words(s)) <= MAX_SENTENCE_WORDS for s in split_sentences(question))
    assert REVIEW.answers == {
        "helped": "Yes, it helped",
        "did_not_help": "No, it did not help",
        "not_sure": "I'm not sure",
    }
    # The codes the file gives words to are the ones the service stores.
    assert tuple(ReviewAnswer) == ANSWER_CODES


BROKEN = """\
answers:
  helped: "Yes, it helped"
  did_not_help: "No, it did not help"
  not_sure: ""
questions:
  phone-before-letters: "We phoned you before sending letters."
  no-such-adjustment: "We did a thing. Did this help?"
  text-reminders: "We sent you a text message on the day before and on the morning of each
    meeting. Did this help?"
"""


def test_a_broken_questions_file_names_the_file_line_and_adjustment(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    (directory / "review_questions.yaml").write_text(BROKEN)
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    where = f"{directory / 'review_questions.yaml'}"
    lines = str(caught.value).splitlines()
    assert lines[:3] == [
        f"{where}:6: item 'phone-before-letters': a question ends with a question mark",
        f"{where}:7: item 'no-such-adjustment': is not in the adjustment catalogue",
        f"{where}:8: item 'text-reminders': a sentence has 17 words (at most 15): 'We sent you "
        "a text message on the day before and on the morning of each meeting.'",
    ]
    unasked = [line for line in lines if line.endswith("has no question to ask the parent")]
    assert len(unasked) == len(builtin_content().adjustments) - 2
    assert f"{where}: item 'explain-next-steps': has no question to ask the parent" in unasked
    assert lines[-1] == f"{where}:4: item 'not_sure': an answer needs its words"


def test_the_app_does_not_start_with_a_broken_questions_file(tmp_path, monkeypatch):
    """The start-up check (create_app reads every content file) catches a planted mistake."""
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    questions = directory / "review_questions.yaml"
    questions.write_text(
        questions.read_text().replace(
            'low-noise-room: "We met you in a quiet room. Did this help?"',
            'low-noise-rom: "We met you in a quiet room. Did this help?"',
        )
    )
    monkeypatch.setattr(content, "CONTENT_DIR", directory)
    builtin_content.cache_clear()
    try:
        with pytest.raises(ContentError) as caught:
            create_app(TEST_CONFIG)
    finally:
        builtin_content.cache_clear()
    assert "item 'low-noise-rom': is not in the adjustment catalogue" in str(caught.value)
    assert "item 'low-noise-room': has no question to ask the parent" in str(caught.value)


def test_a_missing_questions_file_stops_the_load(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    (directory / "review_questions.yaml").unlink()
    with pytest.raises(ContentError, match="review_questions.yaml: cannot read"):
        load_content(directory)
