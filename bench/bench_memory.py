"""Memory and start-up: peak resident memory of one gunicorn worker after a load run (goal at
most 200 MB), the app's start-up time beside a bare Flask app's, and which heavy libraries the
web app imports at start (scikit-learn only where it is needed)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_web import GUNICORN_ARGS, SECRET, serve, wrk
from bench.common import fresh_app, parent_link, table

STARTUP = """
import sys, time
t = time.perf_counter()
{code}
print(time.perf_counter() - t, int('sklearn' in sys.modules), int('matplotlib' in sys.modules),
      int('weasyprint' in sys.modules), int('pandas' in sys.modules))
"""


def startup(code: str) -> list[str]:
    output = subprocess.run(
        [sys.executable, "-c", STARTUP.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout.split()
    return output


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    app_start = startup(
        "from webapp import create_app; create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'})"
    )
    bare_start = startup("from flask import Flask; Flask('x')")
    app, uri = fresh_app(SECRET_KEY=SECRET)
    client = app.test_client()
    client.get(parent_link(app))
    env = {**os.environ, "DATABASE_URL": uri, "SECRET_KEY": SECRET, "DEMO_MODE": "0"}
    server, port = serve("webapp:create_app()", env)
    try:
        wrk(f"http://127.0.0.1:{port}/healthz")
        wrk(f"http://127.0.0.1:{port}/sign-in")
        time.sleep(0.5)
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        peaks = [peak_rss_mb(int(pid)) for pid in workers]
    finally:
        server.terminate()
        server.wait()
    rows = [
        [
            "app start-up (import + create_app)",
            f"{float(app_start[0]) * 1000:.0f} ms",
            f"{float(app_start[0]) / float(bare_start[0]):.1f}x a bare Flask app",
        ],
        ["scikit-learn imported at start", "yes" if app_start[1] == "1" else "no", ""],
        [
            "matplotlib / WeasyPrint / pandas at start",
            "/".join("yes" if v == "1" else "no" for v in app_start[2:5]),
            "",
        ],
        [
            "peak RSS of a gunicorn worker after load",
            f"{max(peaks):.0f} MB",
            f"{max(peaks) / 200:.2f} of the 200 MB goal ({len(peaks)} workers, "
            f"{' '.join(GUNICORN_ARGS)})",
        ],
    ]
    table("Memory and start-up", ["measure", "value", "against"], rows)


if __name__ == "__main__":
    main()
