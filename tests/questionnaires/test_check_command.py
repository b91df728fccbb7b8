"""``python -m questionnaires check``: errors with file/line/item, readability, the version lock."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from questionnaires import builtin_library, cli_check
from questionnaires.library import LIBRARY_DIR
from questionnaires.versions import LOCK_FILE, canonical_digest, check_lock, read_lock

SCORECARDS = Path(__file__).resolve().parents[2] / "models" / "scorecards"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="python -m questionnaires")
    cli_check.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["check", *argv])
    return args.handler(args)


@pytest.fixture
def library_copy(tmp_path):
    """A copy of the built-in questionnaires, scorecards and lock to break on purpose."""
    shutil.copytree(LIBRARY_DIR, tmp_path / "library")
    shutil.copytree(SCORECARDS, tmp_path / "scorecards")
    return tmp_path


def copy_args(root: Path, *extra: str) -> list[str]:
    return [
        str(root / "library"),
        "--scorecards",
        str(root / "scorecards"),
        "--lock-file",
        str(root / "library" / "published.lock.json"),
        *extra,
    ]


def test_the_built_in_library_passes_and_the_report_lists_the_hardest_items_first(capsys):
    assert run() == 0
    out = capsys.readouterr().out
    questionnaires = len(list(LIBRARY_DIR.glob("*.yaml")))
    scorecards = len(list(SCORECARDS.glob("*.yaml")))
    # Nine questionnaires, eight of them with a version 1.1, and a scorecard for each version.
    assert (questionnaires, scorecards) == (17, 16)
    assert f"OK: {questionnaires} questionnaire(s) checked, 0 error(s)" in out
    assert f"checked {scorecards} scorecard(s)" in out
    hardest = out.split("Hardest items first (Flesch-Kincaid grade)\n")[1].strip().splitlines()
    grades = [float(line.split()[0]) for line in hardest[:-1] if line.strip()]
    assert len(grades) == cli_check.WORST_ITEMS_SHOWN
    assert grades == sorted(grades, reverse=True)


def test_a_copy_of_the_library_passes(library_copy):
    assert run(*copy_args(library_copy)) == 0


def test_a_broken_file_fails_with_file_line_and_item(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text(
        'id: broken\nversion: "1"\ntitle: Broken\nsections:\n  - id: s\n    title: S\n'
        "    items:\n      - id: a\n        prompt: Pick one?\n        hint: Pick.\n"
        "        options: [{value: x, label: X}, {label: Y}]\n",
        encoding="utf-8",
    )
    assert run(str(path)) == 1
    out = capsys.readouterr().out
    assert f"{path}:11: item 'a': an option has no value" in out
    assert "FAILED" in out


def test_an_item_without_a_summary_breaks_the_house_rules_but_a_hint_is_optional(
    library_copy, capsys
):
    path = library_copy / "library" / "hearing-seeing-1.1.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("        hint: For example, the number on a bus.\n", "").replace(
            "        summary: finding things far away hard to see\n", ""
        )
    )
    assert run(*copy_args(library_copy)) == 1
    out = capsys.readouterr().out
    assert "item 'se_far': needs a 'summary'" in out
    # Hints are optional since the 1.1 versions: filler hints were taken out.
    assert "needs a 'hint'" not in out


def test_jargon_in_a_questionnaire_is_an_error_with_the_item_and_line(library_copy, capsys):
    path = library_copy / "library" / "hearing-seeing.yaml"
    path.write_text(
        path.read_text()
        .replace("status: published", "status: draft")
        .replace(
            "hint: For example, the number on a bus.",
            "hint: This is a visual impairment assessment.",
        )
    )
    assert run(*copy_args(library_copy)) == 1
    out = capsys.readouterr().out
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "id: se_far" in text
    )
    assert f"hearing-seeing.yaml:{line}: item 'se_far': plain language: hint: 'impairment'" in out


def test_a_changed_published_file_fails_until_it_gets_a_new_version(library_copy, capsys):
    # The newest published version (1.1) is changed; the next one is 1.2.
    path = library_copy / "library" / "mood-worry-1.1.yaml"
    original = path.read_text()
    path.write_text(original.replace("Have you felt sad or low?", "Have you felt very sad?"))
    assert run(*copy_args(library_copy)) == 1
    assert "mood-worry@1.1 is published and has changed since it was locked" in (
        capsys.readouterr().out
    )
    # The honest fix: the old version stays, the change becomes version 1.2, which is locked.
    changed = path.read_text().replace('version: "1.1"', 'version: "1.2"')
    path.write_text(original)
    (library_copy / "library" / "mood-worry-1.2.yaml").write_text(changed)
    assert run(*copy_args(library_copy)) == 1
    assert "mood-worry@1.2 is published but not in the lock file" in capsys.readouterr().out
    # A new published version also needs a scorecard that reads it.
    card = library_copy / "scorecards" / "mood-expert-2.yaml"
    (library_copy / "scorecards" / "mood-expert-3.yaml").write_text(
        card.read_text()
        .replace('version: "2"', 'version: "3"')
        .replace("[mood-worry@1.1]", "[mood-worry@1.2]")
    )
    assert run(*copy_args(library_copy, "--lock")) == 0
    lock = json.loads((library_copy / "library" / "published.lock.json").read_text())
    assert lock["mood-worry@1.1"] == read_lock()["mood-worry@1.1"]
    assert lock["mood-worry@1.2"].startswith("sha256:")


def test_lock_never_rewrites_an_entry(library_copy):
    path = library_copy / "library" / "mood-worry.yaml"
    path.write_text(path.read_text().replace("Have you felt sad or low?", "Sad?"))
    before = (library_copy / "library" / "published.lock.json").read_text()
    assert run(*copy_args(library_copy, "--lock")) == 1
    assert (library_copy / "library" / "published.lock.json").read_text() == before


def test_comments_and_layout_do_not_change_the_digest(tmp_path):
    source = LIBRARY_DIR / "reading-writing.yaml"
    copy = tmp_path / "reading-writing.yaml"
    copy.write_text("# A new comment at the top.\n\n" + source.read_text())
    assert canonical_digest(copy) == canonical_digest(source)
    copy.write_text(source.read_text().replace("Reading and writing", "Reading & writing", 1))
    assert canonical_digest(copy) != canonical_digest(source)


def test_a_broken_scorecard_fails_the_check(library_copy, capsys):
    path = library_copy / "scorecards" / "sensory-expert.yaml"
    path.write_text(path.read_text().replace("min: 1, flag: likely", "min: 7, flag: likely"))
    assert run(*copy_args(library_copy)) == 1
    out = capsys.readouterr().out
    assert "sensory-expert.yaml:" in out
    assert "the cut-off 7.0 of band 'likely' cannot be reached" in out


def test_a_published_indicator_without_a_scorecard_fails(library_copy, capsys):
    (library_copy / "scorecards" / "language-expert.yaml").unlink()
    assert run(*copy_args(library_copy)) == 1
    assert "language-interpreting@1.0 is a published indicator with no scorecard" in (
        capsys.readouterr().out
    )


def test_the_same_id_and_version_in_two_files_fails(library_copy, capsys):
    source = library_copy / "library" / "hearing-seeing.yaml"
    shutil.copy(source, library_copy / "library" / "hearing-seeing-copy.yaml")
    assert run(*copy_args(library_copy)) == 1
    assert "hearing-seeing@1.0 is also in" in capsys.readouterr().out


# --- the lock of the built-in library (this is the test that guards published versions) ------


def test_every_published_built_in_questionnaire_matches_the_lock():
    problems = check_lock(list(builtin_library()), read_lock(LOCK_FILE), complete=True)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_the_lock_check_fails_for_a_changed_published_file(tmp_path):
    questionnaire = builtin_library().get("mood-worry", "1.0")
    copy = tmp_path / "mood-worry.yaml"
    copy.write_text(Path(questionnaire.source).read_text().replace("sad or low", "low"))
    moved = type(questionnaire)(**{**questionnaire.__dict__, "source": str(copy)})
    (problem,) = check_lock([moved], read_lock(LOCK_FILE))
    assert "has changed since it was locked" in problem.message
