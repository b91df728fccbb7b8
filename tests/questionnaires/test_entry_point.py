"""The real command line, as a person runs it: python -m questionnaires check."""

from __future__ import annotations

from tests.questionnaires.command_line import run


def test_check_passes_on_the_built_in_library():
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_fails_on_a_broken_file_naming_file_and_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nversion: '1'\ntitle: Broken\nsections: [\n")
    result = run("check", str(broken))
    assert result.returncode == 1
    assert "broken.yaml:" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
