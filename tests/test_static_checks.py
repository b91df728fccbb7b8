"""Static security checks: bandit finds no medium or high issue in the packages (each
remaining suppression is justified inline with a reason)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BANDIT = Path(sys.executable).with_name("bandit")
PACKAGES = ["questionnaires", "models", "screening", "webapp"]


def run_bandit(*paths: str) -> list[dict]:
    result = subprocess.run(
        [str(BANDIT), "-r", *paths, "-f", "json", "-q", "--severity-level", "medium"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(result.stdout)["results"]


def test_bandit_finds_no_medium_or_high_issue():
    findings = run_bandit(*PACKAGES)
    assert not findings, [(f["filename"], f["line_number"], f["test_id"]) for f in findings]


def test_bandit_would_catch_one(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import subprocess\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
    )
    assert [f["test_id"] for f in run_bandit(str(bad))] == ["B602"]


def test_the_web_app_starts_without_heavy_libraries():
    """scikit-learn, pandas, matplotlib and WeasyPrint load only where they are needed."""
    code = (
        "import sys; from webapp import create_app; "
        "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
        "print(sorted(m for m in ('sklearn', 'pandas', 'matplotlib', 'weasyprint') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
