"""Batch scoring agrees with Scorecard.score row by row, and bad rows do not stop a run."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from models import Band, builtin_scorecards, current_scorecards
from models import batch as batch_module
from models.batch import Plan, score_csv, score_frame


def _responses(n: int, seed: int = 0, cards=None) -> pd.DataFrame:
    plan = Plan(cards or current_scorecards())
    rng = np.random.default_rng(seed)
    data = {
        c: np.asarray(plan.options[c], dtype=object)[rng.integers(0, len(plan.options[c]), n)]
        for c in plan.columns
    }
    return pd.DataFrame(data)


def _with_gaps(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """About 10% of cells unanswered (None), 5% skipped, 2% empty strings."""
    rng = np.random.default_rng(seed)
    frame = frame.copy()
    for column in frame.columns:
        draw = rng.random(len(frame))
        frame.loc[draw < 0.10, column] = None
        frame.loc[(draw >= 0.10) & (draw < 0.15), column] = "skip"
        frame.loc[(draw >= 0.15) & (draw < 0.17), column] = ""
    return frame


def _mismatches(frame: pd.DataFrame, cards, reference_cards=None) -> list[str]:
    """Rows where batch scoring (with ``cards``) differs from Scorecard.score (with
    ``reference_cards``, the same cards unless given): points, total and band, exactly."""
    scores = score_frame(frame, cards, progress=False).scores
    found = []
    records = frame.to_dict("records")
    for card, reference in zip(cards, reference_cards or cards, strict=True):
        points = scores[f"{card.id}_points"].to_numpy()
        totals = scores[f"{card.id}_total"].to_numpy()
        bands = scores[f"{card.id}_band"].to_numpy()
        for i, answers in enumerate(records):
            expected = reference.score(answers)
            got = (points[i], totals[i], bands[i])
            if got != (expected.points, expected.total, expected.band.name):
                found.append(f"{card.id} row {i}: {got} != {expected.points, expected.total}")
    return found


def _variant(card, change, **fields):
    """The scorecard with every point passed through ``change`` (and other fields replaced)."""
    points = {item: {v: change(p) for v, p in table.items()} for item, table in card.points.items()}
    return dataclasses.replace(card, points=points, **fields)


# The batch tests score with one version of each scorecard (the current ones: columns are named
# by scorecard id); the versions kept for older questionnaire versions are checked below too.


def test_batch_matches_one_by_one_scoring():
    cards = current_scorecards()
    frame = _responses(200)
    frame.iloc[5, 0] = None
    frame.iloc[6, 1] = "skip"
    expected_school = frame.loc[7, "rw_school"]
    frame.loc[7, "rw_school"] = f" {expected_school} "  # stray spaces from a spreadsheet
    result = score_frame(frame, cards, progress=False)
    assert result.problems == []
    frame.loc[7, "rw_school"] = expected_school
    for i in range(len(frame)):
        answers = {k: v for k, v in frame.iloc[i].items() if v is not None}
        for card in cards:
            expected = card.score(answers)
            assert result.scores[f"{card.id}_total"].iloc[i] == expected.total
            assert result.scores[f"{card.id}_band"].iloc[i] == expected.band.name


@pytest.mark.parametrize("block", [None, 777])
def test_every_shipped_scorecard_matches_on_random_responses_with_gaps(monkeypatch, block):
    if block:  # many row blocks, the last one short
        monkeypatch.setattr(batch_module, "_BLOCK", block, raising=False)
    cards = current_scorecards()
    frame = _with_gaps(_responses(3000, seed=2), seed=3)
    frame = frame.drop(columns=["mo_sleep", "sc_eyes"])  # not asked of anyone in this file
    assert _mismatches(frame, cards) == []


def test_the_comparison_fails_when_one_point_differs():
    frame = _with_gaps(_responses(3000, seed=4), seed=5)
    for card in current_scorecards():
        item = list(card.points)[-1]
        value = next(v for v, p in card.points[item].items() if p)
        table = {**card.points[item], value: card.points[item][value] + 1}
        perturbed = dataclasses.replace(card, points={**card.points, item: table})
        assert _mismatches(frame, [perturbed], [card]), card.id


@pytest.mark.parametrize(
    "change",
    [
        lambda p: -p,  # negative points
        lambda p: p * 0.5,  # half points
        lambda p: p * 0.1,  # points that are not exact in binary
        lambda p: p * 1000 + 1,  # large points, and points for the lowest answers
        lambda p: p - 1.25,
    ],
    ids=["negative", "halves", "tenths", "large", "shifted"],
)
@pytest.mark.parametrize("method", ["sum", "proportion"])
def test_unusual_points_and_cut_offs_match_one_by_one_scoring(monkeypatch, change, method):
    monkeypatch.setattr(batch_module, "_BLOCK", 1000, raising=False)
    cards = []
    for card in current_scorecards():
        varied = _variant(card, change)
        low, high = varied.min_points, varied.max_points
        if method == "proportion":
            low, high = (low / high if high else 0.0), 1.0
        cuts = np.linspace(low, high, 6)[1:-1]  # cut-offs that fall between whole points
        bands = (Band("a", "A", low), *(Band(f"b{i}", "B", float(c)) for i, c in enumerate(cuts)))
        cards.append(dataclasses.replace(varied, bands=bands, method=method))
    frame = _with_gaps(_responses(2000, seed=6), seed=7)
    assert _mismatches(frame, cards) == []


def test_unknown_answers_blank_only_their_rows_and_scorecards(monkeypatch):
    monkeypatch.setattr(batch_module, "_BLOCK", 500, raising=False)
    cards = current_scorecards()
    frame = _with_gaps(_responses(2000, seed=8), seed=9)
    bad_rows = {3: "at_drift", 1200: "at_drift", 1999: "mo_low", 700: "le_money"}
    for row, column in bad_rows.items():
        frame.loc[row, column] = "not an option"
    result = score_frame(frame, cards, progress=False)
    assert sorted((p.row - 1, p.column) for p in result.problems) == sorted(bad_rows.items())
    owner = {item: card.id for card in cards for item in card.points}
    records = frame.to_dict("records")
    for i, answers in enumerate(records):
        for card in cards:
            points = result.scores[f"{card.id}_points"].iloc[i]
            band = result.scores[f"{card.id}_band"].iloc[i]
            if i in bad_rows and owner[bad_rows[i]] == card.id:
                assert np.isnan(points) and band == ""
            else:
                expected = card.score(answers)
                assert (points, band) == (expected.points, expected.band.name)


def test_scorecards_sharing_items_match_one_by_one_scoring(monkeypatch):
    """A scorecard whose items are spread among another's columns (read column by column)."""
    monkeypatch.setattr(batch_module, "_BLOCK", 600, raising=False)
    by_id = {c.id: c for c in current_scorecards()}
    mood, literacy = by_id["mood-expert"], by_id["literacy-expert"]
    mixed = {**dict(list(mood.points.items())[::2]), **dict(list(literacy.points.items())[1::3])}
    spread = dataclasses.replace(
        mood,
        id="spread",
        points=mixed,
        questionnaires=mood.questionnaires + literacy.questionnaires,
    )
    cards = [mood, literacy, spread]
    frame = _with_gaps(_responses(2000, seed=12, cards=cards), seed=13)
    assert _mismatches(frame, cards) == []
    frame.loc[1500, "rw_read_twice"] = "nope"
    scores = score_frame(frame, cards, progress=False).scores
    assert scores.loc[1500, "spread_band"] == "" and scores.loc[1500, "literacy-expert_band"] == ""
    assert scores.loc[1500, "mood-expert_band"] != ""
    assert (scores.drop(index=1500)["spread_band"] != "").all()


def test_score_codes_takes_codes_in_any_integer_layout():
    cards = current_scorecards()
    plan = Plan(cards)
    frame = _with_gaps(_responses(500, seed=10), seed=11)
    codes, problems = plan.encode(frame)
    assert problems == []
    expected = plan.score_codes(codes)
    for other in (np.ascontiguousarray(codes, dtype=np.int16), codes.astype(np.int64)):
        for (p1, t1, b1), (p2, t2, b2) in zip(expected, plan.score_codes(other), strict=True):
            assert np.array_equal(p1, p2) and np.array_equal(t1, t2) and np.array_equal(b1, b2)


def test_csv_with_bad_rows_reports_them_and_scores_the_rest(tmp_path):
    cards = current_scorecards()
    frame = _responses(50, seed=1)
    literacy = next(c for c in cards if c.id == "literacy-expert")
    frame.loc[9, "rw_forms"] = "sometimez"
    frame.loc[30, "rw_letters"] = "42"
    frame.insert(0, "response_id", [f"r{i}" for i in range(50)])
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    frame.to_csv(src, index=False)
    summary = score_csv(src, out, cards, chunk_size=16, progress=False)
    assert summary.rows == 50 and summary.rows_with_problems == 2
    assert [(p.row, p.column, p.value) for p in summary.problems] == [
        (10, "rw_forms", "sometimez"),
        (31, "rw_letters", "42"),
    ]
    scored = pd.read_csv(out, keep_default_na=False)
    assert len(scored) == 50 and list(scored["response_id"]) == list(frame["response_id"])
    assert scored.loc[9, "literacy-expert_band"] == ""  # the bad row is blank for literacy...
    assert scored.loc[9, "mood-expert_band"] != ""  # ...but scored for the other scorecards
    answers = frame.drop(columns="response_id").iloc[11].to_dict()
    assert float(scored.loc[11, "literacy-expert_points"]) == literacy.score(answers).points


def test_the_scorecards_kept_for_older_questionnaire_versions_match_too():
    current = {card.key for card in current_scorecards()}
    older = [card for card in builtin_scorecards() if card.key not in current]
    assert {card.version for card in older} == {"1"} and len(older) == len(current)
    frame = _with_gaps(_responses(2000, seed=14, cards=older), seed=15)
    assert _mismatches(frame, older) == []


def test_two_versions_of_one_scorecard_are_refused_not_overwritten():
    with pytest.raises(ValueError, match="two versions of the scorecard literacy-expert"):
        Plan([c for c in builtin_scorecards() if c.id == "literacy-expert"])
