"""The real servers refuse to start unsafely when APP_ENV is not set (production): gunicorn with
gunicorn.conf.py, and `flask run`. Each stops with one line naming the setting; development and
demo start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.load.proxy import stop, wait_until_up
from tests.load.server import free_port

pytestmark = pytest.mark.load
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SAFE = {
    "SECRET_KEY": "s" * 40,
    "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
}


def environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"APP_ENV", "DEMO_MODE", *SAFE}}
    return {**env, **values}


def refusal(command: list[str], env: dict[str, str]) -> str:
    """The command must stop by itself, unsuccessfully; returns its last line of output."""
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired as timeout:
        raise AssertionError(f"{command[0]} started instead of refusing") from timeout
    assert done.returncode != 0
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert "Traceback" not in done.stderr
    return lines[-1]


def gunicorn(bind: str) -> list[str]:
    return [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", bind, "--workers", "1"]


def test_gunicorn_refuses_an_address_beyond_loopback():
    line = refusal(gunicorn(f"0.0.0.0:{free_port()}"), environment(**SAFE))  # noqa: S104
    assert line.startswith("Error: The bind address (GUNICORN_BIND or --bind) is '0.0.0.0'")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "Error: Set SECRET_KEY"),
        ({"SECRET_KEY": "development-only-secret-not-for-production"}, "development secret"),
        ({"DEMO_MODE": "1"}, "Demo mode is refused in production: unset DEMO_MODE"),
    ],
    ids=["no-secret", "development-secret", "demo-mode"],
)
def test_gunicorn_refuses_unsafe_settings_before_any_worker(env, message):
    settings = {**SAFE, **env} if env else {"DATABASE_URL": SAFE["DATABASE_URL"]}
    line = refusal(gunicorn(f"127.0.0.1:{free_port()}"), environment(**settings))
    assert message in line


def test_flask_run_refuses_a_host_beyond_loopback():
    command = [str(BIN / "flask"), "--app", "webapp", "run", "--host", "0.0.0.0"]  # noqa: S104
    line = refusal([*command, "--port", str(free_port())], environment(**SAFE))
    assert line.startswith("Error: flask run --host is '0.0.0.0': production listens on loopback")


@pytest.mark.parametrize("app_env", ["development", "demo"])
def test_development_and_demo_start_without_a_secret(app_env, tmp_path):
    port = free_port()
    env = environment(APP_ENV=app_env, DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite'}")
    process = subprocess.Popen(
        gunicorn(f"127.0.0.1:{port}"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
    finally:
        stop(process)
