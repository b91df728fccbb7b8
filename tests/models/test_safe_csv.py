"""CSV cells a spreadsheet would run as formulas get an apostrophe; everything else is kept."""

from __future__ import annotations

import pandas as pd
import pytest

from models import current_scorecards
from models.batch import score_csv
from models.safe_csv import safe_cell, safe_frame, safe_row
from tests.models.test_batch import _responses

PLANTED = ['=HYPERLINK("http://x.test","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("cell", PLANTED)
def test_formula_starts_get_an_apostrophe(cell):
    assert safe_cell(cell) == "'" + cell


def test_everything_else_is_kept():
    assert safe_row(["C000123", "a=b", "", -3, 2.5, None]) == ["C000123", "a=b", "", -3, 2.5, None]


def test_frames_keep_numbers_and_make_text_and_names_safe():
    frame = pd.DataFrame(
        {"measure": ["=1+1", "Referrals"], "value": [-4, 7], "=name": [1, 2]}, dtype=object
    )
    written = safe_frame(frame).to_csv(index=False)
    assert written.splitlines() == ["measure,value,'=name", "'=1+1,-4,1", "Referrals,7,2"]


def test_the_batch_scorer_writes_no_formula(tmp_path):
    planted = PLANTED[:5]  # a bare carriage return does not survive pandas reading the input
    frame = _responses(len(planted), seed=3)
    frame.insert(0, "response_id", planted)
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    frame.to_csv(src, index=False)
    score_csv(src, out, current_scorecards(), progress=False)
    written = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert list(written["response_id"]) == ["'" + cell for cell in planted]
