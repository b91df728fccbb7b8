"""The documented production config serves the app, and its access log holds no query string
and no personal data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.load.server import free_port

pytestmark = pytest.mark.load
ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_with_the_production_config(app, tmp_path):
    port = free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "s" * 40,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": str(log),
        "DEMO_MODE": "0",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
        try:
            urllib.request.urlopen(f"{base}/nowhere?name=Zebedee+Canaryfield", timeout=2)  # noqa: S310
        except urllib.error.HTTPError as error:
            assert error.code == 404
            assert b"Traceback" not in error.read()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
    lines = log.read_text()
    assert '"GET /healthz" 200' in lines and '"GET /nowhere" 404' in lines
    assert "Zebedee" not in lines and "?" not in lines


def test_a_worker_freezes_what_it_loaded_out_of_the_collectors_sight(tmp_path):
    """A full garbage collection walking the whole app held a worker for ~100 ms under load;
    the config's post_worker_init hook freezes what the worker loaded."""
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "s" * 40,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "DEMO_MODE": "0",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "gunicorn.conf.py",
            "tests.load.frozen_probe:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:  # noqa: S310
                    frozen = int(response.read())
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
    assert frozen > 1000
