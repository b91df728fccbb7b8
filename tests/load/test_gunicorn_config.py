"""The documented production config serves the app, its access log holds no query string and
no personal data, and its worker hooks run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.load.server import free_port

pytestmark = pytest.mark.load
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def production_gunicorn(settings: dict, *app_spec: str, ready_path: str = "/") -> Iterator[str]:
    """gunicorn -c gunicorn.conf.py [app_spec] on a free port with these environment settings;
    yields its base address once ``ready_path`` answers, and stops it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "s" * 40,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "DEMO_MODE": "0",
        **settings,
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", *app_spec],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}{ready_path}", timeout=2) as response:  # noqa: S310
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)


def test_gunicorn_with_the_production_config(app, tmp_path):
    log = tmp_path / "access.log"
    settings = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": str(log),
    }
    with production_gunicorn(settings, ready_path="/healthz") as base:
        try:
            urllib.request.urlopen(f"{base}/nowhere?name=Zebedee+Canaryfield", timeout=2)  # noqa: S310
        except urllib.error.HTTPError as error:
            assert error.code == 404
            assert b"Traceback" not in error.read()
    lines = log.read_text()
    assert '"GET /healthz" 200' in lines and '"GET /nowhere" 404' in lines
    assert "Zebedee" not in lines and "?" not in lines


def test_a_worker_freezes_what_it_loaded_out_of_the_collectors_sight():
    """A full garbage collection walking the whole app held a worker for ~100 ms under load;
    the config's post_worker_init hook freezes what the worker loaded."""
    probe = "tests.load.frozen_probe:app"
    with (
        production_gunicorn({"GUNICORN_WORKERS": "1"}, probe) as base,
        urllib.request.urlopen(f"{base}/", timeout=2) as response,  # noqa: S310
    ):
        frozen = int(response.read())
    assert frozen > 1000
