"""Batch scoring agrees with Scorecard.score row by row, and bad rows do not stop a run."""

import numpy as np
import pandas as pd

from models import builtin_scorecards
from models.batch import Plan, score_csv, score_frame


def _responses(n: int, seed: int = 0) -> pd.DataFrame:
    plan = Plan(builtin_scorecards())
    rng = np.random.default_rng(seed)
    data = {
        c: np.asarray(plan.options[c], dtype=object)[rng.integers(0, len(plan.options[c]), n)]
        for c in plan.columns
    }
    return pd.DataFrame(data)


def test_batch_matches_one_by_one_scoring():
    cards = builtin_scorecards()
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


def test_csv_with_bad_rows_reports_them_and_scores_the_rest(tmp_path):
    cards = builtin_scorecards()
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
