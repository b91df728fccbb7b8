"""Web throughput: gunicorn on 127.0.0.1 driven by wrk (16 connections, bounded time), for the
parent's answer-save (JSON POST) and the next-question page, against two baselines measured in
the same run: a bare Flask "hello" served by the same gunicorn settings, and durable commits of
the same kind of write through the same driver and settings with no web app (bench/durable.py).

Goals: the answer save at least 0.3x the hello and 0.1x the durable commits; the next question
page at least 0.5x the hello; p95 under 50 ms for both. Runs on SQLite, and on PostgreSQL when
BENCH_POSTGRES_URL is set."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import fresh_app, parent_link, table
from bench.durable import durable_commits

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WARM_UP_SECONDS = 2
CONNECTIONS = 16
SECRET = "bench-secret-" + "x" * 40
# The same settings for every app measured: the production config file when there is one.
GUNICORN_ARGS = (
    ["--config", str(ROOT / "gunicorn.conf.py")]
    if (ROOT / "gunicorn.conf.py").exists()
    else ["--workers", "4", "--threads", "2"]
)
# The questionnaires on the bench's link: every built-in one except the mood questions (whose
# safety item alerts a worker) and the stated preferences.
QUESTIONNAIRES = (
    "reading-writing",
    "attention-organisation",
    "social-communication",
    "coordination-handwriting",
    "learning-understanding",
    "hearing-seeing",
)

LUA = """
local counter = 0
local thread_id = 0
local answers = {%(answers)s}
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
-- Each wrk thread answers its own half of the questions in turn, like a parent's tab, so two
-- saves of one question are never in flight together (a save that arrives after a newer one
-- is refused with 409, as it should be, and would not be a real save).
request = function()
  counter = counter + 1
  if wrk.method ~= "POST" then return wrk.format(nil) end
  local half = #answers / 2
  local entry = answers[tid * half + counter %% half + 1]
  local body = string.format(
    '{"questionnaire":"%%s","item":"%%s","value":"%%s","seq":%%d}',
    entry[1], entry[2], entry[3][counter %% #entry[3] + 1], %(base)d + counter * 2 + tid)
  return wrk.format("POST", wrk.path, nil, body)
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %%f %%f %%d %%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95) / 1000,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


COMMITS_TITLE = f"durable commits, {CONNECTIONS} threads (baseline)"


def lua_answers() -> str:
    """Every choice question of the bench's questionnaires, as Lua {questionnaire, item,
    {values}} (an even count, so each wrk thread gets half)."""
    from questionnaires import builtin_library

    entries = [
        (q, item.id, item.option_values)
        for q in QUESTIONNAIRES
        for item in builtin_library().get(q).items
        if item.options
    ]
    entries = entries[: len(entries) // 2 * 2]
    return ", ".join(
        '{"%s", "%s", {%s}}' % (q, i, ", ".join(f'"{v}"' for v in values))  # noqa: UP031
        for q, i, values in entries
    )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app_spec: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, *GUNICORN_ARGS, "--bind", f"127.0.0.1:{port}", app_spec],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            path = {"bench.hello:app": "/hello", "bench.floor:app": "/floor"}.get(
                app_spec, "/healthz"
            )
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1)  # noqa: S310
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start for {app_spec}")


def wrk(url: str, *, method: str = "GET", headers: dict | None = None) -> tuple[float, float, int]:
    """Requests/s, p95 ms and non-2xx count for ``url``, after an unmeasured warm-up run (each
    worker compiles its templates and opens its connections on its first requests; a server
    that has been up a while has done that)."""
    _wrk(url, method=method, headers=headers, seconds=WARM_UP_SECONDS)
    return _wrk(url, method=method, headers=headers, seconds=SECONDS)


def _wrk(url: str, *, method: str, headers: dict | None, seconds: int) -> tuple[float, float, int]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    # Sequence numbers from the clock in microseconds, so each run's saves are newer than the
    # last run's (the app refuses older ones with 409, as it should).
    script.write_text(LUA % {"answers": lua_answers(), "base": time.time_ns() // 1000})
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url]
    for key, value in (headers or {}).items():
        command[1:1] = ["-H", f"{key}: {value}"]
    if method == "POST":
        command[1:1] = ["-H", "Content-Type: application/json"]
        script.write_text(
            script.read_text().replace('if wrk.method ~= "POST"', 'wrk.method = "POST"\n  if false')
        )
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate, p95, bad_status, socket_errors = re.search(
        r"RESULT (\S+) (\S+) (\d+) (\d+)", output
    ).groups()
    script.unlink()
    if int(socket_errors):
        print(f"warning: {socket_errors} socket errors for {url}")
    return float(rate), float(p95), int(bad_status)


def measure(database_uri: str | None, label: str) -> list[list]:
    """ROUNDS rounds of: the hello, the durable commits, the save, the page, one after the
    other, with the hello and the app served side by side throughout. Each ratio is taken
    within its round and the median round is reported, so a slow spell on a shared machine
    moves a baseline and its endpoint together rather than one of them alone."""
    app, uri = fresh_app(database_uri, SECRET_KEY=SECRET)
    client = app.test_client()
    client.get(parent_link(app, QUESTIONNAIRES))
    html = client.get("/p/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    first = client.post("/p/", data={"csrf_token": token, "agree": "y"}).headers["Location"]
    html = client.get(first).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    cookie = f"session={client.get_cookie('session').value}"
    env = {**os.environ, "DATABASE_URL": uri, "SECRET_KEY": SECRET, "DEMO_MODE": "0"}
    headers = {"Cookie": cookie, "X-CSRFToken": token}
    hello, hello_port = serve("bench.hello:app", env)
    floor, floor_port = serve("bench.floor:app", env)
    server, port = serve("webapp:create_app()", env)
    rounds: list[dict[str, tuple[float, float, int]]] = []
    try:
        for _ in range(ROUNDS):
            found = {"hello": wrk(f"http://127.0.0.1:{hello_port}/hello")}
            found["floor"] = wrk(f"http://127.0.0.1:{floor_port}/floor")
            rate, p95 = durable_commits(uri, threads=CONNECTIONS, seconds=SECONDS)
            found["commits"] = (rate, p95, 0)
            for name, method, path in ENDPOINTS:
                found[name] = wrk(f"http://127.0.0.1:{port}{path}", method=method, headers=headers)
            rounds.append(found)
    finally:
        for process in (hello, floor, server):
            process.terminate()
            process.wait()
    return summarise(label, rounds)


ENDPOINTS = (
    ("answer save (JSON)", "POST", "/p/answers"),
    ("next question page", "GET", "/p/questions/reading-writing/rw_read_twice"),
)


def summarise(label: str, rounds: list[dict[str, tuple[float, float, int]]]) -> list[list]:
    def median(values):
        return statistics.median(values)

    def spread(values, digits: int):
        return f"{min(values):.{digits}f}-{max(values):.{digits}f}"

    rows = []
    for name, title in (("hello", "bare hello (baseline)"), ("commits", COMMITS_TITLE)):
        rates = [r[name][0] for r in rounds]
        p95s = [r[name][1] for r in rounds]
        rows.append(
            [
                label,
                title,
                f"{median(rates):.0f}",
                "1.00" if name == "hello" else "",
                "1.00" if name == "commits" else "",
                f"{median(p95s):.1f}",
                f"rounds {spread(rates, 0)}/s",
            ]
        )
    to_hello = [r["floor"][0] / r["hello"][0] for r in rounds]
    rows.append(
        [
            label,
            "our app's stack, empty view (for scale)",
            f"{median([r['floor'][0] for r in rounds]):.0f}",
            f"{median(to_hello):.2f}",
            "",
            f"{median([r['floor'][1] for r in rounds]):.1f}",
            f"rounds x hello {spread(to_hello, 2)}",
        ]
    )
    for name, method, _path in ENDPOINTS:
        rates = [r[name][0] for r in rounds]
        to_hello = [r[name][0] / r["hello"][0] for r in rounds]
        to_commits = [r[name][0] / r["commits"][0] for r in rounds]
        p95s = [r[name][1] for r in rounds]
        bad = sum(r[name][2] for r in rounds)
        rows.append(
            [
                label,
                name,
                f"{median(rates):.0f}",
                f"{median(to_hello):.2f}",
                f"{median(to_commits):.3f}" if method == "POST" else "",
                f"{median(p95s):.1f}",
                f"rounds x hello {spread(to_hello, 2)}, p95 {spread(p95s, 0)} ms; {bad} non-2xx",
            ]
        )
    return rows


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does this)")
    rows = measure(None, "SQLite")
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    if postgres:
        rows += measure(postgres, "PostgreSQL")
    else:
        rows.append(["PostgreSQL", "not run: set BENCH_POSTGRES_URL", "", "", "", "", ""])
    table(
        f"Web throughput, {CONNECTIONS} connections, median of {ROUNDS} rounds of {SECONDS} s "
        f"each (gunicorn "
        f"{' '.join(GUNICORN_ARGS)})",
        ["database", "endpoint", "req/s", "x hello", "x commits", "p95 ms", "notes"],
        rows,
    )
    print(
        "goals: answer save >= 0.30x hello and >= 0.10x commits; next page >= 0.50x hello; "
        "p95 < 50 ms"
    )


if __name__ == "__main__":
    main()
