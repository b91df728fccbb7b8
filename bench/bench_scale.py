"""Scale of data: p95 response time of the case list, review queue, dashboard and case page at
1,000 and at 100,000 referrals (synthetic, from `demo-data --cases`), measured in one run.
Goal: p95 at 100,000 no more than 1.5x p95 at 1,000."""

from __future__ import annotations

import os
import statistics
import time

from sqlalchemy import func, select

from bench.common import fresh_app, table

SIZES = (1_000, int(os.environ.get("BENCH_LARGE_CASES", "100000")))
REPEATS = 30
PAGES = [
    ("case list", "intake", "/cases"),
    ("case list, filtered", "intake", "/cases?flag=likely"),
    ("review queue", "clinician", "/review"),
    ("dashboard, uncached", "intake", "/dashboard"),
    ("dashboard, 1-minute cache", "intake", "/dashboard"),
    ("case page", "intake", "/cases/{case}"),
]


def populate(cases: int):
    from webapp.cli.commands import DEMO_TEAM, DEMO_USERS, load_demo_data
    from webapp.cli.demo import bulk_cases
    from webapp.extensions import db
    from webapp.storage.records import Case, Team, User

    app, _uri = fresh_app()
    with app.app_context():
        load_demo_data("benchmark-password-long")
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        users = {
            u.role: u
            for u in db.session.scalars(
                select(User).where(User.email.in_([e for e, _n, _r in DEMO_USERS]))
            )
        }
        bulk_cases(team, users["intake"], users["clinician"], cases - 3)
        sessions = {role: user.get_id() for role, user in users.items()}
        newest = db.session.scalar(select(func.max(Case.id)))
    return app, sessions, newest


def p95_ms(app, session_id: str, url: str) -> float:
    from webapp.access.security import SESSION_SEEN, SESSION_STARTED

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session[SESSION_STARTED] = session[SESSION_SEEN] = time.time()
    client.get(url)  # warm
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.quantiles(times, n=20)[18]


def main() -> dict:
    results = {}
    for size in SIZES:
        started = time.perf_counter()
        app, sessions, newest = populate(size)
        print(f"{size} referrals generated in {time.perf_counter() - started:.0f} s")
        for name, role, url in PAGES:
            app.config["DASHBOARD_CACHE_SECONDS"] = 60 if "cache" in name else 0
            results[(name, size)] = p95_ms(app, sessions[role], url.format(case=newest))
    small, large = SIZES
    rows = [
        [
            name,
            f"{results[(name, small)]:.1f}",
            f"{results[(name, large)]:.1f}",
            f"{results[(name, large)] / results[(name, small)]:.2f}",
        ]
        for name, *_ in PAGES
    ]
    table(
        f"p95 ms at {small} and {large} referrals", ["page", f"{small}", f"{large}", "ratio"], rows
    )
    print("goal: ratio <= 1.5")
    return results


if __name__ == "__main__":
    main()
