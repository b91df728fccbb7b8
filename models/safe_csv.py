"""CSV cells a spreadsheet will not run. Excel, LibreOffice and Sheets treat a cell starting
with =, +, -, @ (and a tab or carriage return before one) as a formula: a name, an answer or a
query string typed by anyone could then plant =HYPERLINK(...) in a file staff open. Every CSV
this project writes passes its text cells through here; a leading apostrophe keeps the text
as written and shows it as text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula, with an apostrophe in front; anything
    else (numbers among it, negative ones too) as it was."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and the column names) made safe."""
    import pandas as pd  # here, not at the top: the web app starts without pandas

    safe = frame.rename(columns=safe_cell)
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            # Built as objects: map() would infer a type and turn a column of 3s into 3.0s.
            cells = [safe_cell(value) for value in safe[column]]
            safe[column] = pd.Series(cells, index=safe.index, dtype=object)
    return safe
