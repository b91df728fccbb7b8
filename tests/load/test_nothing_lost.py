"""Nothing is lost under load and faults, against a real gunicorn on 127.0.0.1: concurrent
autosaves from many tabs (two per parent, racing on the same questions), simultaneous sends,
a worker killed with SIGKILL mid-load, and a database that goes away and comes back."""

from __future__ import annotations

import http.client
import itertools
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from questionnaires import builtin_library
from tests.factories import create_case, create_team
from tests.load.server import Client, gunicorn
from webapp.extensions import db
from webapp.services.invitations import create_invitation
from webapp.storage.records import Answer, AuditEvent, Invitation, Response, Result

pytestmark = pytest.mark.load
READING = builtin_library().get("reading-writing")


def make_links(app, count: int) -> list[str]:
    return [link for _invitation, link in make_parents(app, count)]


def make_parents(app, count: int) -> list[tuple[int, str]]:
    """count parents' links, each with its invitation's id."""
    with app.app_context():
        team = create_team()
        parents = []
        for n in range(count):
            case = create_case(team=team, parent_name=f"Load Parent {n}")
            invitation, token = create_invitation(case, [READING], None)
            parents.append((invitation.id, f"/p/start/{token}"))
        db.session.remove()
        db.engine.dispose()
    return parents


def open_tab(port: int, link: str, consent: bool, client: type[Client] = Client) -> Client:
    tab = client(port)
    assert tab.get(link).status == 302
    tab.get("/p/")
    if consent:
        assert tab.post_form("/p/", {"agree": "y"}).status == 302
    tab.get(f"/p/questions/reading-writing/{READING.items[0].id}")  # its own CSRF token
    return tab


def database_path(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


Sent = tuple[int, str, str, int, int]  # (invitation, item, value, seq, status)


def race_saves(tabs: list[tuple[int, Client]], saves_per_tab: int) -> list[Sent]:
    """Every tab saves random answers at once (two tabs of one parent race on its questions),
    each save numbered from one counter, as the page script numbers them by time."""
    seq = itertools.count(1)
    seq_lock = threading.Lock()

    def work(args):
        invitation, tab = args
        rng = random.Random(invitation)  # noqa: S311 - test data
        results = []
        for _ in range(saves_per_tab):
            item = rng.choice(READING.items)
            value = rng.choice(item.option_values)
            with seq_lock:
                number = next(seq)
            reply = tab.post_json(
                "/p/answers",
                {
                    "questionnaire": "reading-writing",
                    "item": item.id,
                    "value": value,
                    "seq": number,
                },
            )
            results.append((invitation, item.id, value, number, reply.status))
        return results

    sent: list[Sent] = []
    with ThreadPoolExecutor(max_workers=len(tabs)) as pool:
        for results in pool.map(work, tabs):
            sent.extend(results)
    return sent


def stored_answers(app, invitations) -> dict[tuple[int, str], tuple[int, str]]:
    """(invitation, item) -> (seq, value) of each stored answer of these invitations; fails on
    a duplicated answer."""
    with app.app_context():
        rows = db.session.execute(
            select(Invitation.id, Answer.item_id, Answer.value, Answer.seq)
            .join(Response, Response.invitation_id == Invitation.id)
            .join(Answer, Answer.response_id == Response.id)
            .where(Invitation.id.in_(list(invitations)))
        ).all()
        db.session.remove()
    stored = {(i, item): (number, value) for i, item, value, number in rows}
    assert len(rows) == len(stored), "duplicated answers"
    return stored


def assert_newest_kept(app, sent: list[Sent]) -> None:
    """Every (parent, question) saved holds the newest answer sent: nothing lost, nothing
    older winning."""
    statuses = {status for *_rest, status in sent}
    assert statuses <= {200, 409}, statuses  # saved, or refused as older than what is saved
    newest: dict[tuple[int, str], tuple[int, str]] = {}
    for invitation, item, value, number, _status in sent:
        if number > newest.get((invitation, item), (0, ""))[0]:
            newest[(invitation, item)] = (number, value)
    stored = stored_answers(app, {invitation for invitation, *_rest in sent})
    assert len(stored) == len(newest), "lost answers"
    stale = {key for key in newest if stored[key] != newest[key]}
    assert not stale, f"{len(stale)} answers are not the newest one sent"


def test_2000_concurrent_saves_from_20_tabs_lose_nothing(app):
    parents = make_parents(app, 10)
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"]) as (port, _process):
        tabs = []
        for invitation, link in parents:
            tabs.append((invitation, open_tab(port, link, consent=True)))
            tabs.append((invitation, open_tab(port, link, consent=False)))  # a second tab
        started = time.monotonic()
        sent = race_saves(tabs, 100)
        elapsed = time.monotonic() - started
    assert len(sent) == 2000
    assert_newest_kept(app, sent)
    print(f"\n2000 saves from 20 tabs in {elapsed:.1f} s ({2000 / elapsed:.0f} saves/s)")


def test_ten_simultaneous_sends_make_one_submission(app):
    (link,) = make_links(app, 1)
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"]) as (port, _process):
        tab = open_tab(port, link, consent=True)
        for item in READING.items:
            assert (
                tab.post_json(
                    "/p/answers",
                    {
                        "questionnaire": "reading-writing",
                        "item": item.id,
                        "value": item.option_values[-1],
                        "seq": 1,
                    },
                ).status
                == 200
            )
        tab.get("/p/check")
        barrier = threading.Barrier(10)

        def send(_):
            barrier.wait()
            return tab.post_form("/p/check", {}).status

        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(send, range(10)))
    assert set(statuses) <= {302, 410} and 302 in statuses, statuses
    with app.app_context():
        assert db.session.scalar(select(func.count(Result.id))) == 1
        assert (
            db.session.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.action == "parent.submitted")
            )
            == 1
        )


def retrying_saves(
    tabs: dict[int, Client], seconds: float, kill: Callable[[], None], kill_after: float
) -> tuple[list[tuple[int, str, str, int]], list[int]]:
    """Each tab saves for `seconds`, retrying a save whose connection drops as the page script
    does; `kill` runs `kill_after` seconds in. Returns the acknowledged saves (invitation,
    item, value, seq) and the numbers of saves that never succeeded."""
    acknowledged: list[tuple[int, str, str, int]] = []
    failures: list[int] = []
    stop = time.monotonic() + seconds
    counter = itertools.count(1)
    lock = threading.Lock()

    def work(invitation):
        rng = random.Random(invitation)  # noqa: S311 - test data
        while time.monotonic() < stop:
            item = rng.choice(READING.items)
            value = rng.choice(item.option_values)
            with lock:
                number = next(counter)
            for _attempt in range(10):  # a client retries when the connection drops
                try:
                    reply = tabs[invitation].post_json(
                        "/p/answers",
                        {
                            "questionnaire": "reading-writing",
                            "item": item.id,
                            "value": value,
                            "seq": number,
                        },
                    )
                except (OSError, http.client.HTTPException):
                    # The worker died mid-reply (refused, reset or cut short): retry, as the
                    # page script does.
                    time.sleep(0.2)
                    continue
                if reply.status in (200, 409):
                    acknowledged.append((invitation, item.id, value, number))
                    break
                time.sleep(0.2)  # a proxy's 502 for the reply that was cut: retry too
            else:
                failures.append(number)

    with ThreadPoolExecutor(max_workers=len(tabs)) as pool:
        futures = [pool.submit(work, invitation) for invitation in tabs]
        time.sleep(kill_after)
        kill()
        for future in futures:
            future.result()
    return acknowledged, failures


def assert_acknowledged_kept(app, acknowledged: list[tuple[int, str, str, int]]) -> None:
    """Every acknowledged save is stored, or a newer acknowledged one of the same question."""
    newest: dict[tuple[int, str], int] = {}
    for invitation, item, _value, number in acknowledged:
        newest[(invitation, item)] = max(number, newest.get((invitation, item), 0))
    stored = stored_answers(app, {invitation for invitation, *_rest in acknowledged})
    assert {key: number for key, (number, _value) in stored.items()} == newest, (
        "an acknowledged save is missing or was overwritten"
    )


def test_a_worker_killed_mid_load_leaves_no_partial_rows_and_retries_succeed(app):
    parents = make_parents(app, 4)
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=2) as (port, process):
        tabs = {invitation: open_tab(port, link, consent=True) for invitation, link in parents}

        def kill_a_worker():
            children = subprocess.run(
                ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
            ).stdout.split()
            assert children, "no gunicorn workers found"
            os.kill(int(children[0]), signal.SIGKILL)

        acknowledged, failures = retrying_saves(tabs, 4, kill_a_worker, kill_after=1.5)
        assert Client(port).get("/healthz").status == 200  # the master started a new worker
    assert not failures, f"{len(failures)} saves never succeeded"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        with sqlite3.connect(database_path(app)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert_acknowledged_kept(app, acknowledged)


def test_database_unavailable_gives_a_clear_page_and_keeps_saved_answers(app, tmp_path):
    """The same session against an app whose database cannot be reached (a SQLite file in a
    folder that does not exist, or nothing listening), then against the real one again."""
    from tests.pages import csrf_token, get_page
    from webapp import create_app

    (link,) = make_links(app, 1)
    tab = app.test_client()
    tab.get(link)
    page = get_page(tab, "/p/")
    tab.post("/p/", data={"csrf_token": csrf_token(page), "agree": "y"})
    url = f"/p/questions/reading-writing/{READING.items[0].id}"
    tab.post(url, data={"csrf_token": csrf_token(get_page(tab, url)), "answer": "often"})

    down = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/db.sqlite",
            "SECRET_KEY": app.config["SECRET_KEY"],
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    outage = down.test_client()
    outage.set_cookie("session", tab.get_cookie("session").value, domain="localhost")
    response = outage.get(url)
    assert response.status_code == 503  # the database is down: unavailable, not an error of ours
    text = response.get_data(as_text=True)
    assert "Sorry, the service is unavailable" in text
    assert "Anything you already saved is safe" in text
    assert "Traceback" not in text and "OperationalError" not in text

    page = get_page(tab, url)  # the database is back: the saved answer is there
    assert page.select_one("input[value=often]").has_attr("checked")
