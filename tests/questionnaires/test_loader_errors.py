"""Every content error names the file, the line and (where there is one) the item."""

from __future__ import annotations

import textwrap

import pytest

from models import ScorecardError, load_scorecard
from questionnaires import Library, QuestionnaireError, load_questionnaire

HEAD = """\
id: demo
version: "1.0"
title: Demo
sections:
  - id: main
    title: Main
    items:
"""


def write(tmp_path, body: str, name: str = "demo.yaml"):
    path = tmp_path / name
    path.write_text(HEAD + textwrap.indent(textwrap.dedent(body), "      "), encoding="utf-8")
    return path


def problems_of(path) -> list:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    return caught.value.problems


def line_of(path, text: str, start: int = 1) -> int:
    """The 1-based line where ``text`` first appears at or after line ``start``."""
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if n >= start and text in line)


def test_a_valid_file_loads(tmp_path):
    path = write(
        tmp_path,
        """\
        - id: a
          prompt: Question A?
          options: [{value: x, label: X}, {value: y, label: Y}]
        """,
    )
    assert load_questionnaire(path).item("a").option_values == ("x", "y")


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: demo\ntitle: [unclosed\nversion: 1\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.source == str(path)
    assert problem.line == 3
    assert "not valid YAML" in problem.message
    assert str(problem).startswith(f"{path}:3: ")


def test_a_key_given_twice_is_a_yaml_error_at_its_line(tmp_path):
    path = write(tmp_path, "- id: a\n  prompt: One?\n  prompt: Two?\n  type: text\n")
    (problem,) = problems_of(path)
    assert "duplicate key 'prompt'" in problem.message
    assert problem.line == line_of(path, "prompt: Two?")


def test_duplicate_item_ids_name_both_lines(tmp_path):
    path = write(
        tmp_path,
        """\
        - id: a
          type: text
          prompt: First?
        - id: a
          type: text
          prompt: Second?
        """,
    )
    (problem,) = problems_of(path)
    first = line_of(path, "- id: a")
    second = line_of(path, "- id: a", first + 1)
    assert problem.item == "a"
    assert problem.line == second
    assert f"duplicate item id (first used on line {first})" in problem.message


def test_duplicate_section_ids_are_reported(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(
        HEAD
        + "      - {id: a, type: text, prompt: 'A?'}\n"
        + "  - id: main\n    title: Again\n    items:\n      - {id: b, type: text, prompt: 'B?'}\n"
    )
    (problem,) = problems_of(path)
    assert "section id 'main' is used twice" in problem.message
    assert problem.line == line_of(path, "- id: main", line_of(path, "id: a") + 1)


def test_duplicate_option_values_name_the_item_and_line(tmp_path):
    path = write(
        tmp_path,
        """\
        - id: a
          prompt: A?
          options:
            - {value: x, label: X}
            - {value: x, label: Also X}
        """,
    )
    (problem,) = problems_of(path)
    assert (problem.item, problem.line) == ("a", line_of(path, "Also X"))
    assert "option value 'x' is used twice" in problem.message


def test_an_option_without_a_value_names_the_item_and_line(tmp_path):
    path = write(
        tmp_path,
        """\
        - id: a
          prompt: A?
          options:
            - {value: x, label: X}
            - {label: No value here}
        """,
    )
    (problem,) = problems_of(path)
    assert (problem.item, problem.line) == ("a", line_of(path, "No value here"))
    assert problem.message == "an option has no value"


def test_the_reserved_skip_value_cannot_be_an_option(tmp_path):
    path = write(
        tmp_path,
        "- id: a\n  prompt: A?\n  options: [{value: skip, label: S}, {value: b, label: B}]\n",
    )
    (problem,) = problems_of(path)
    assert "reserved" in problem.message and problem.item == "a"


def test_a_gate_referring_to_a_missing_item_names_the_item_and_line(tmp_path):
    path = write(
        tmp_path,
        """\
        - id: a
          type: boolean
          prompt: A?
        - id: b
          type: text
          prompt: B?
          enable_when: {item: nowhere, in: ["yes"]}
        """,
    )
    (problem,) = problems_of(path)
    assert problem.item == "b"
    assert problem.line == line_of(path, "enable_when")
    assert "refers to item 'nowhere'" in problem.message


def test_a_gate_on_a_later_item_or_an_answer_not_offered_is_reported(tmp_path):
    path = write(
        tmp_path,
        """\
        - id: a
          type: text
          prompt: A?
          enable_when: {item: b, in: ["yes"]}
        - id: b
          type: boolean
          prompt: B?
        - id: c
          type: text
          prompt: C?
          enable_when: {item: b, in: [maybe]}
        """,
    )
    first, second = problems_of(path)
    assert (first.item, first.line) == ("a", line_of(path, "enable_when"))
    assert "not an earlier item" in first.message
    assert second.item == "c"
    assert "waits for answer(s) maybe that item 'b' does not offer" in second.message


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ("- id: a\n  prompt: 5\n  type: text\n", "prompt: 5", "'prompt' must be non-empty text"),
        ("- id: a\n  prompt: A?\n  type: list\n", "type: list", "type 'list' must be one of"),
        ("- id: a\n  prompt: A?\n  type: integer\n  min: low\n", "min: low", "'min' must be"),
        ("- id: a\n  prompt: A?\n  type: text\n  meta: [x]\n", "meta: [x]", "'meta' must be"),
        ("- id: a\n  prompt: A?\n  options: yes\n", "options: yes", "at least two options"),
    ],
)
def test_a_value_of_the_wrong_type_names_the_item_and_line(tmp_path, body, key, message):
    path = write(tmp_path, body)
    (problem,) = problems_of(path)
    assert problem.item == "a"
    assert problem.line == line_of(path, key)
    assert message in problem.message


def test_a_version_of_the_wrong_type_names_the_line(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(
        HEAD.replace('version: "1.0"', "version: [1]")
        + "      - {id: a, type: text, prompt: 'A?'}\n"
    )
    (problem,) = problems_of(path)
    assert problem.line == 2
    assert 'version must be text like "1.0"' in problem.message


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    path = write(
        tmp_path,
        """\
        - id: a
          prompt: A?
          options: [{value: x, label: X}, {label: Y}]
        - id: a
          type: text
          prompt: 7
        """,
    )
    assert len(problems_of(path)) == 3


# --- scorecards ------------------------------------------------------------------------------

QUESTIONNAIRE = """\
id: demo
version: "1.0"
title: Demo
sections:
  - id: main
    title: Main
    items:
      - {id: a, prompt: "A?", options: [{value: "0", label: "0"}, {value: "1", label: "1"}]}
      - {id: b, prompt: "B?", options: [{value: "0", label: "0"}, {value: "1", label: "1"}]}
"""


def scorecard_problems(tmp_path, body: str):
    (tmp_path / "q.yaml").write_text(QUESTIONNAIRE)
    library = Library([load_questionnaire(tmp_path / "q.yaml")])
    path = tmp_path / "card.yaml"
    path.write_text(
        "id: card\nversion: '1'\ndomain: test\nquestionnaires: [demo@1.0]\n" + body,
        encoding="utf-8",
    )
    with pytest.raises(ScorecardError) as caught:
        load_scorecard(path, library)
    return path, caught.value.problems


def test_a_cut_off_no_score_can_reach_names_the_band_line(tmp_path):
    path, (problem,) = scorecard_problems(
        tmp_path,
        "items:\n  a: {scale: [0, 1]}\n  b: {scale: [0, 1]}\nbands:\n"
        "  - {name: low, label: Low, min: 0}\n  - {name: high, label: High, min: 3}\n",
    )
    assert problem.source == str(path)
    assert problem.line == line_of(path, "name: high")
    assert "the cut-off 3.0 of band 'high' cannot be reached (scores run from 0 to 2)" in str(
        problem
    )


def test_a_reachable_cut_off_loads(tmp_path):
    (tmp_path / "q.yaml").write_text(QUESTIONNAIRE)
    library = Library([load_questionnaire(tmp_path / "q.yaml")])
    path = tmp_path / "card.yaml"
    path.write_text(
        "id: card\nversion: '1'\ndomain: test\nquestionnaires: [demo@1.0]\n"
        "items:\n  a: {scale: [0, 1]}\n  b: {scale: [0, 1]}\nbands:\n"
        "  - {name: low, label: Low, min: 0}\n  - {name: high, label: High, min: 2}\n"
    )
    assert load_scorecard(path, library).band_for(2).name == "high"


def test_a_scorecard_rule_naming_a_missing_option_names_the_item(tmp_path):
    path, (problem,) = scorecard_problems(
        tmp_path,
        "items:\n  a: {threshold: '7'}\nbands:\n  - {name: low, label: Low, min: 0}\n",
    )
    assert problem.item == "a"
    assert problem.line == line_of(path, "a: {threshold")
    assert "'threshold' names option '7'" in problem.message


def test_a_band_cut_off_that_is_not_a_number_is_reported_not_raised(tmp_path):
    path, (problem,) = scorecard_problems(
        tmp_path, "items:\n  a: {scale: [0, 1]}\nbands:\n  - {name: low, label: Low, min: zero}\n"
    )
    assert problem.line == line_of(path, "min: zero")
    assert "'min' must be a number" in problem.message


def test_malformed_scorecard_yaml_names_the_line(tmp_path):
    path, (problem,) = scorecard_problems(tmp_path, "items: {a: [unclosed\n")
    assert problem.source == str(path)
    assert problem.line is not None
    assert "not valid YAML" in problem.message
