"""The deployment as docs/deployment.md describes it, run whole: nginx ending TLS (a self-signed
certificate made by openssl), two gunicorn instances with gunicorn.conf.py and APP_ENV=production,
a throwaway PostgreSQL cluster and a Redis, from Debian's packages. Through it, in order:

1. Chromium: a worker signs in over HTTPS; a parent opens their link, answers and sends; the
   worker sees the answers arrived.
2. The sign-in limit is counted across both instances (tries sent to each in turn).
3. The nothing-lost load test (tests/load/test_nothing_lost.py): 2000 racing saves from 20 tabs
   through nginx, answered by both instances.
4. One instance killed mid-load (SIGKILL, master and workers): nginx passes to the other, the
   client retries as the page script does, and nothing acknowledged is lost.
5. Redis stopped: 503s, not 500s, and /healthz names it; back when Redis is.
6. PostgreSQL stopped: the same for the database.

The figures (saves on each instance, lost, limits seen) are printed with the test's output."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import func, select

from questionnaires import builtin_library
from tests.browser.harness import sign_in
from tests.browser.test_parent_journey_browser import answer_current, finish, start
from tests.conftest import TEST_CONFIG
from tests.factories import create_case, create_team, create_user
from tests.load.server import Client, HttpsClient
from tests.load.test_nothing_lost import (
    assert_acknowledged_kept,
    assert_newest_kept,
    make_parents,
    open_tab,
    race_saves,
    retrying_saves,
)
from tests.load.topology import Instance, log_lines, nginx_in_front, status_of, wait_for_health
from tests.postgres_cluster import PostgresCluster
from tests.redis_server import RedisServer
from webapp import create_app
from webapp.extensions import db
from webapp.services.invitations import create_invitation
from webapp.storage.database import init_database
from webapp.storage.records import Result

pytestmark = [pytest.mark.browser, pytest.mark.load]
READING = builtin_library().get("reading-writing")
SIGN_IN_LIMIT = 5  # tries per client per hour: an hour, so no window ends mid-test
UNAVAILABLE = b"Sorry, the service is unavailable"


def no_check(*_args) -> None:
    """axe runs in the journey tests; here the deployment is under test."""


def sign_in_try(tab: Client, n: int) -> int:
    """One wrong password (a new email each time, so no account's lockout is involved)."""
    tab.get("/sign-in")
    return tab.post_form("/sign-in", {"email": f"try{n}@example.test", "password": "wrong"}).status


def browser_journey(app, browser, base: str) -> None:
    with app.app_context():
        team = create_team(name="North")
        email = create_user(role="intake", team=team).email
        case = create_case(team=team, parent_name="Topology Parent")
        case_id = case.id
        _invitation, token = create_invitation(case, [READING], None)
        db.session.remove()
    worker = browser.new_context(ignore_https_errors=True)
    parent = browser.new_context(ignore_https_errors=True)
    try:
        staff_page = worker.new_page()
        sign_in(staff_page, base, email, check=no_check)
        assert "/sign-in" not in staff_page.url, staff_page.url
        parent_page = parent.new_page()
        start(parent_page, f"{base}/p/start/{token}", check=no_check)
        while "/p/check" not in parent_page.url:
            answer_current(parent_page)
        finish(parent_page, check=no_check)
        staff_page.goto(f"{base}/cases/{case_id}")
        assert "answers sent" in staff_page.content()
    finally:
        worker.close()
        parent.close()
    with app.app_context():
        assert db.session.scalar(select(func.count(Result.id))) >= 1
        db.session.remove()


def test_the_deployment_as_documented(browser, tmp_path, capsys):
    figures: list[str] = []
    with PostgresCluster() as postgres, RedisServer(tmp_path / "redis") as redis_server:
        app = create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": postgres.url,
                "IMPORTED_CONTENT_DIR": str(tmp_path / "imported"),
            }
        )
        init_database(app)  # flask init-db, once per release
        env = {
            "APP_ENV": "production",
            "SECRET_KEY": "topology-test-secret-" + "x" * 32,
            "DATABASE_URL": postgres.url,
            "RATELIMIT_STORAGE_URI": redis_server.uri,
            "TRUSTED_PROXY_HOPS": "1",
            "DEMO_MODE": "0",
            "SIGN_IN_RATE_LIMIT": f"{SIGN_IN_LIMIT} per hour",
            "PARENT_LINK_RATE_LIMIT": "1000 per minute",  # the load tabs all come from here
        }
        with (
            Instance("a", tmp_path / "a", env) as a,
            Instance("b", tmp_path / "b", env) as b,
            nginx_in_front(tmp_path / "nginx", [a.port, b.port]) as (base, nginx_log),
        ):
            port = int(base.rsplit(":", 1)[1])

            # 1. A worker signs in over HTTPS and a parent's journey is completed.
            browser_journey(app, browser, base)
            figures.append("browser: worker signed in over HTTPS; parent sent their answers")

            # 2. The sign-in limit is one count across both instances: tries go to a and b in
            # turn, as one client (X-Forwarded-For, trusted for one hop) would through nginx.
            tabs = {
                "a": Client(a.port),
                "b": Client(b.port),
            }
            for tab in tabs.values():
                tab.extra_headers = {"X-Forwarded-For": "198.51.100.7"}
            seen = [
                (name, sign_in_try(tabs[name], n))
                for n, name in enumerate(["a", "b"] * SIGN_IN_LIMIT)
            ]
            allowed = [s for _name, s in seen[:SIGN_IN_LIMIT]]
            refused = [s for _name, s in seen[SIGN_IN_LIMIT:]]
            assert allowed == [200] * SIGN_IN_LIMIT and refused == [429] * SIGN_IN_LIMIT, seen
            other = Client(b.port)
            other.extra_headers = {"X-Forwarded-For": "198.51.100.8"}
            assert sign_in_try(other, 99) == 200  # another client is not held back
            figures.append(
                f"limits: sign-in {SIGN_IN_LIMIT} per hour; one client's tries to a, b, a, ...: "
                + " ".join(f"{name}:{status}" for name, status in seen)
                + "; another client: 200"
            )

            # 3. The nothing-lost load test, through nginx, across both instances.
            before = {i.name: i.statuses("POST", "/p/answers") for i in (a, b)}
            tabs_3 = []
            for invitation, link in make_parents(app, 10):
                tabs_3.append((invitation, open_tab(port, link, True, HttpsClient)))
                tabs_3.append((invitation, open_tab(port, link, False, HttpsClient)))
            sent = race_saves(tabs_3, 100)
            assert len(sent) == 2000
            assert_newest_kept(app, sent)
            served = {
                i.name: sum((i.statuses("POST", "/p/answers") - before[i.name]).values())
                for i in (a, b)
            }
            assert served["a"] > 0 and served["b"] > 0, served
            assert served["a"] + served["b"] == 2000, served
            outcome = Counter(status for *_rest, status in sent)
            figures.append(
                f"nothing lost: 2000 saves from 20 tabs; instance a {served['a']}, "
                f"b {served['b']}; saved {outcome[200]}, refused as older {outcome[409]}; lost 0"
            )

            # 4. Instance a is killed mid-load; nginx passes to b; nothing acknowledged lost.
            before = {i.name: i.statuses("POST", "/p/answers") for i in (a, b)}
            tabs_4 = {
                invitation: open_tab(port, link, True, HttpsClient)
                for invitation, link in make_parents(app, 4)
            }
            acknowledged, failures = retrying_saves(tabs_4, 5, a.kill, kill_after=1.5)
            assert not failures, f"{len(failures)} saves never succeeded"
            assert_acknowledged_kept(app, acknowledged)
            served = {
                i.name: sum((i.statuses("POST", "/p/answers") - before[i.name]).values())
                for i in (a, b)
            }
            assert served["b"] > 0, served
            assert status_of(f"{base}/healthz")[0] == 200  # b alone serves
            bad_gateway = sum(1 for _m, _p, s in log_lines(nginx_log) if s == 502)
            figures.append(
                f"instance a killed mid-load: {len(acknowledged)} saves acknowledged "
                f"(a {served['a']} before it died, b {served['b']}); nginx 502s retried: "
                f"{bad_gateway}; lost 0"
            )

            # 5. Redis stopped: 503s, not 500s; /healthz names it; back when Redis is.
            redis_server.stop()
            (invitation, link), *_rest = make_parents(app, 1)
            tab = HttpsClient(port)
            tab.get("/sign-in")  # no limit on reading the page: it needs no Redis
            down = [
                tab.post_form("/sign-in", {"email": "x@example.test", "password": "wrong"}),
                HttpsClient(port).get(link),
            ]
            assert [reply.status for reply in down] == [503, 503]
            assert all(
                UNAVAILABLE in reply.body and b"Traceback" not in reply.body for reply in down
            )
            health_status, health = status_of(f"{base}/healthz")
            assert health_status == 503
            assert json.loads(health) == {"status": "down", "database": "ok", "rate_limits": "down"}
            redis_server.start()
            wait_for_health(f"{base}/healthz", 30)
            assert HttpsClient(port).get(link).status == 302
            figures.append(
                "Redis stopped: sign-in 503, link look-up 503, /healthz 503 "
                f"{health.decode().strip()}"
                "; after restart: 200"
            )

            # 6. PostgreSQL stopped: the same for the database.
            postgres.stop()
            health_status, health = status_of(f"{base}/healthz")
            assert health_status == 503
            assert json.loads(health) == {"status": "down", "database": "down", "rate_limits": "ok"}
            reply = HttpsClient(port).get(link)
            assert reply.status == 503 and UNAVAILABLE in reply.body
            postgres.start()
            wait_for_health(f"{base}/healthz", 30)
            figures.append(
                f"PostgreSQL stopped: link look-up 503, /healthz 503 {health.decode().strip()}"
                "; after restart: 200"
            )
        statuses = Counter(s for i in (a, b) for _m, _p, s in log_lines(i.access_log))
        assert statuses[500] == 0, statuses  # never a 500, at any step
        figures.append(f"statuses answered by a and b: {dict(sorted(statuses.items()))}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    with capsys.disabled():
        print("\nDeployment topology figures:\n  " + "\n  ".join(figures))
