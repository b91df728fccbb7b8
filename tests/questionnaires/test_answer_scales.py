"""One family of answer scales across the built-in questionnaires, a time frame in every section
that asks about a time, short hints, and new versions that score as the old ones did."""

from __future__ import annotations

import dataclasses
import random
import shutil

import pytest

from models import builtin_scorecards, current_scorecards, scorecards_for
from questionnaires import Option, builtin_library
from questionnaires.errors import QuestionnaireError
from questionnaires.library import LIBRARY_DIR
from questionnaires.scales import (
    SCALES_FILE,
    current_versions,
    load_answer_scales,
    scale_problems,
)
from screening import score_response
from tests.questionnaires.test_check_command import SCORECARDS, run

SCALES = load_answer_scales()
LIBRARY = builtin_library()
CURRENT = current_versions(LIBRARY)


def replace_item(questionnaire, item_id, **changes):
    """The questionnaire with one item changed (data, not a file)."""
    sections = tuple(
        dataclasses.replace(
            section,
            items=tuple(
                dataclasses.replace(item, **changes) if item.id == item_id else item
                for item in section.items
            ),
        )
        for section in questionnaire.sections
    )
    return dataclasses.replace(questionnaire, sections=sections)


def replace_section(questionnaire, section_id, **changes):
    sections = tuple(
        dataclasses.replace(s, **changes) if s.id == section_id else s
        for s in questionnaire.sections
    )
    return dataclasses.replace(questionnaire, sections=sections)


def test_the_current_versions_are_the_newest_published_ones():
    assert {q.key for q in CURRENT} == {LIBRARY.get(qid).key for qid in {q.id for q in LIBRARY}}
    assert {q.version for q in CURRENT} == {"1.0", "1.1"}  # preferences is still 1.0


def stray_scales(questionnaire) -> list[str]:
    """Choice questions that use no family and are not listed as outside with a reason."""
    stray = []
    for item in questionnaire.iter_items():
        reason = SCALES.outside_reason(questionnaire.id, item.id)
        if item.options and not SCALES.family_of(item) and not reason:
            stray.append(item.id)
        if reason:
            assert len(reason.split()) >= 8, item.id  # a real reason, in words
    return stray


@pytest.mark.parametrize("questionnaire", CURRENT, ids=lambda q: q.key)
def test_every_choice_question_uses_one_family_or_is_outside_with_a_reason(questionnaire):
    assert stray_scales(questionnaire) == []


def test_the_whole_library_keeps_the_rules():
    assert scale_problems(LIBRARY, SCALES) == []


def test_the_families_in_use_and_their_words():
    used = {
        SCALES.family_of(item).name
        for q in CURRENT
        for item in q.iter_items()
        if item.options and SCALES.family_of(item)
    }
    assert used == {"how_often", "how_hard", "how_many_days", "like_me"}
    reading = LIBRARY.get("reading-writing")
    assert [o.label for o in reading.item("rw_letters").options] == [
        "Never",
        "Sometimes",
        "Often",
        "Very often",
    ]
    assert [o.label for o in reading.item("rw_school").options] == ["Never", "Sometimes", "Often"]
    hearing, language = LIBRARY.get("hearing-seeing"), LIBRARY.get("language-interpreting")
    assert SCALES.family_of(hearing.item("he_busy")).name == "how_hard"
    assert SCALES.family_of(language.item("la_read")).name == "how_hard"
    assert all(not item.prompt.startswith("How easy") for item in language.items)


def test_a_planted_stray_scale_is_caught():
    reading = LIBRARY.get("reading-writing")
    old_words = [
        Option("never", "No, never"),
        Option("sometimes", "Sometimes"),
        Option("often", "Often"),
        Option("always", "Most of the time"),
    ]
    stray = replace_item(reading, "rw_forms", options=tuple(old_words))
    assert stray_scales(stray) == ["rw_forms"]
    (problem,) = scale_problems([stray], SCALES)
    assert problem.item == "rw_forms"
    assert "not one of the answer scales" in problem.message


@pytest.mark.parametrize(
    "options",
    [
        [("sometimes", "Sometimes"), ("never", "Never")],  # out of order
        [("never", "Never"), ("often", "A lot")],  # the family's value with other words
        [("never", "Never")],  # one step is not a scale
        [("not_hard", "No, it is not hard"), ("often", "Often")],  # two families mixed
    ],
    ids=["order", "words", "one-step", "mixed"],
)
def test_a_shorter_scale_must_be_the_familys_steps_in_order(options):
    reading = LIBRARY.get("reading-writing")
    item = reading.item("rw_forms")
    planted = dataclasses.replace(item, options=tuple(Option(v, w) for v, w in options))
    assert SCALES.family_of(planted) is None
    assert SCALES.family_of(item).name == "how_often"


def test_a_stray_scale_fails_the_check_command(tmp_path, capsys):
    library = tmp_path / "library"
    shutil.copytree(LIBRARY_DIR, library)
    path = library / "reading-writing-1.1.yaml"
    path.write_text(path.read_text().replace("label: Very often}", "label: Most of the time}"))
    args = [str(library), "--scales", str(SCALES_FILE), "--scorecards", str(SCORECARDS)]
    assert run(*args) == 1
    out = capsys.readouterr().out
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "id: rw_letters" in text
    )
    assert f"reading-writing-1.1.yaml:{line}: item 'rw_letters': its answers are not one" in out
    path.write_text(path.read_text().replace("Most of the time}", "Very often}"))
    assert run(*args) == 0


def test_older_versions_are_frozen_so_the_rules_skip_them():
    old = LIBRARY.get("reading-writing", "1.0")
    assert old not in CURRENT
    # On its own (nothing newer replaces it) the old version breaks the rules it predates.
    problems = scale_problems([old], SCALES)
    assert {p.item for p in problems} >= {"rw_letters", "rw_school"}
    assert scale_problems([old, LIBRARY.get("reading-writing", "1.1")], SCALES) == []


def test_a_draft_newer_than_the_published_version_is_checked():
    newest = LIBRARY.get("mood-worry")
    draft = replace_item(
        dataclasses.replace(newest, version="1.2", status="draft"),
        "mo_low",
        hint="Choose the answer that fits best.",
    )
    assert [p.item for p in scale_problems([newest, draft], SCALES)] == ["mo_low"]


# --- time frames ------------------------------------------------------------------------------


def timed_sections(questionnaire):
    for section in questionnaire.sections:
        families = {SCALES.family_of(i) for i in section.items if i.options}
        if any(f and f.asks_about_a_time for f in families):
            yield section


def without_time_frame(questionnaire) -> list[str]:
    return [
        section.id
        for section in timed_sections(questionnaire)
        if not any(frame in (section.intro or "") for frame in SCALES.time_frames)
    ]


@pytest.mark.parametrize("questionnaire", CURRENT, ids=lambda q: q.key)
def test_every_section_that_asks_about_a_time_names_it_in_its_intro(questionnaire):
    assert without_time_frame(questionnaire) == []


def test_the_sections_with_a_time_frame():
    timed = {(q.id, s.id) for q in CURRENT for s in timed_sections(q)}
    assert timed == {
        ("attention-organisation", "getting_things_done"),
        ("attention-organisation", "keeping_still"),
        ("coordination-handwriting", "writing"),
        ("coordination-handwriting", "moving"),
        ("coordination-handwriting", "school"),
        ("learning-understanding", "school"),
        ("learning-understanding", "now"),
        ("mood-worry", "mood"),
        ("mood-worry", "worry"),
        ("mood-worry", "safety"),
        ("reading-writing", "reading"),
        ("reading-writing", "writing"),
        ("reading-writing", "school"),
    }


def test_a_section_without_its_time_frame_is_caught():
    learning = LIBRARY.get("learning-understanding")
    planted = replace_section(learning, "now", intro=None)
    assert without_time_frame(planted) == ["now"]
    (problem,) = scale_problems([planted], SCALES)
    assert "section 'now' asks about a time" in problem.message
    assert "Think about the last six months." in problem.message
    moved = replace_section(learning, "now", intro="Some questions about now.")
    assert len(scale_problems([moved], SCALES)) == 1


def test_the_safety_question_keeps_its_intro_and_names_the_time():
    safety = next(s for s in LIBRARY.get("mood-worry").sections if s.id == "safety")
    assert safety.title == "Keeping safe"
    assert safety.intro.startswith("This question is important. It is OK to tell us.")
    assert safety.intro.endswith("Think about the last two weeks.")


# --- hints ------------------------------------------------------------------------------------


@pytest.mark.parametrize("questionnaire", CURRENT, ids=lambda q: q.key)
def test_hints_are_short_and_never_filler(questionnaire):
    for item in questionnaire.iter_items():
        if item.hint:
            assert len(item.hint) <= SCALES.max_hint_characters, item.id
            assert item.hint not in SCALES.filler_hints, item.id
    # The old filler sentence is gone from every current version.
    assert all(i.hint != "Choose the answer that fits best." for i in questionnaire.iter_items())


def test_a_long_or_filler_hint_is_caught():
    mood = LIBRARY.get("mood-worry")
    long = replace_item(mood, "mo_low", hint="For example, " + "you feel down and fed up " * 3)
    (problem,) = scale_problems([long], SCALES)
    assert problem.item == "mo_low" and "more than 60" in problem.message
    filler = replace_item(mood, "mo_low", hint="Choose the answer that fits best.")
    (problem,) = scale_problems([filler], SCALES)
    assert "says nothing of its own" in problem.message


# --- the safety question promises only what the service does ----------------------------------


def test_the_self_harm_hint_promises_only_what_the_service_does():
    item = LIBRARY.get("mood-worry").item("mo_hurt_self")
    for words in (item.hint, item.read_aloud):
        assert "we will tell your social worker straight away" in words
        assert "today" not in words and "talk with you" not in words
    old = LIBRARY.get("mood-worry", "1.0").item("mo_hurt_self")
    assert "today" in old.hint  # the old version is unchanged: stored answers name it


@pytest.mark.parametrize("answer", ["some_days", "most_days", "every_day"])
def test_the_newest_mood_version_keeps_the_same_day_alert(answer):
    mood = LIBRARY.get("mood-worry")
    assert mood.version == "1.1"
    answers = {item.id: "not_at_all" for item in mood.items} | {"mo_hurt_self": answer}
    screening = score_response(mood, answers)
    (result,) = screening.results
    assert (result.scorecard_id, result.scorecard_version) == ("mood-expert", "2")
    (alert,) = screening.alerts
    assert alert.item == "mo_hurt_self" and "safety check today" in alert.message


# --- new versions score as the old ones did ---------------------------------------------------


PAIRS = [
    (LIBRARY.get(q.id, "1.0"), q) for q in CURRENT if q.version != "1.0" and q.kind == "indicator"
]


def test_every_indicator_has_a_new_version_with_a_new_scorecard():
    assert {new.id for _, new in PAIRS} == {q.id for q in LIBRARY if q.kind == "indicator"}
    for old, new in PAIRS:
        (old_card,) = scorecards_for(old.key)
        (new_card,) = scorecards_for(new.key)
        assert (old_card.id, old_card.version, new_card.version) == (new_card.id, "1", "2")
        # The same questions keep their ids (reading and coordination moved the school
        # question into its own section).
        assert sorted(i.id for i in old.items) == sorted(i.id for i in new.items)


def step_differences(old, old_card, new, new_card) -> list[list[int]]:
    """Answer patterns (the step chosen for each item: first, second ...) that score
    differently (points, total or band) on the old version and card and on the new ones."""
    rng = random.Random(new.key)  # noqa: S311 - repeatable test data
    items = [(i, new.item(i.id)) for i in old.items]
    patterns = [[0] * len(items), [-1] * len(items)]
    patterns += [[rng.randrange(len(i.options)) for i in old.items] for _ in range(300)]
    found = []
    for steps in patterns:
        on_old = {a.id: a.option_values[s] for (a, _), s in zip(items, steps, strict=True)}
        on_new = {b.id: b.option_values[s] for (_, b), s in zip(items, steps, strict=True)}
        a, b = old_card.score(on_old), new_card.score(on_new)
        if (a.points, a.total, a.band.name) != (b.points, b.total, b.band.name):
            found.append(steps)
    return found


@pytest.mark.parametrize("old, new", PAIRS, ids=lambda q: q.key)
def test_the_same_step_on_either_version_scores_the_same(old, new):
    """Each item keeps its number of steps, so an answer at the same step gives the same
    points, total and band on the old and the new scorecard: the scoring intent is kept."""
    (old_card,) = scorecards_for(old.key)
    (new_card,) = scorecards_for(new.key)
    assert all(len(i.options) == len(new.item(i.id).options) for i in old.items)
    assert old_card.bands == new_card.bands and old_card.method == new_card.method
    assert step_differences(old, old_card, new, new_card) == []


def test_the_comparison_fails_when_a_threshold_moves():
    old, new = next((o, n) for o, n in PAIRS if o.id == "language-interpreting")
    (old_card,) = scorecards_for(old.key)
    (new_card,) = scorecards_for(new.key)
    # Counting from "It is a bit hard" (the second step) would flag answers the old card did not.
    moved = dataclasses.replace(
        new_card, points={i: {**t, "a_bit": 1} for i, t in new_card.points.items()}
    )
    assert step_differences(old, old_card, new, moved) != []


def test_current_scorecards_are_one_per_domain_and_read_the_newest_versions():
    cards = current_scorecards()
    assert sorted(c.domain for c in cards) == sorted({c.domain for c in builtin_scorecards()})
    for card in cards:
        (ref,) = card.questionnaires
        qid, _, version = ref.partition("@")
        assert LIBRARY.get(qid).version == version == "1.1"
    # Every shipped scorecard is listed oldest version first, so "the first" is stable.
    ids = [c.id for c in builtin_scorecards()]
    assert ids == sorted(ids)
    assert [c.version for c in builtin_scorecards() if c.id == "mood-expert"] == ["1", "2"]


# --- the scales file itself -------------------------------------------------------------------


def test_a_broken_scales_file_names_what_is_wrong(tmp_path):
    path = tmp_path / "scales.yaml"
    path.write_text(
        "families:\n  how_often:\n    steps:\n      - {value: never, label: Never}\n"
        "      - {value: never, label: Often}\n"
        "outside:\n  - questionnaire: x\n"
        "time_frames: Think about it.\nmax_hint_characters: lots\n",
        encoding="utf-8",
    )
    with pytest.raises(QuestionnaireError) as caught:
        load_answer_scales(path)
    messages = "\n".join(str(p) for p in caught.value.problems)
    assert "family 'how_often' has the same value twice" in messages
    assert "family 'how_often' needs 'asks_about_a_time" in messages
    assert "each 'outside' entry needs a questionnaire and a reason" in messages
    assert "'time_frames' must be a list" in messages
    assert "'max_hint_characters' must be a whole number" in messages
    assert f"{path}:" in messages
