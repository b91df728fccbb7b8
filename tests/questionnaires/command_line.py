"""``python -m questionnaires ...`` run as a person runs it, from the repository root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "questionnaires", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
