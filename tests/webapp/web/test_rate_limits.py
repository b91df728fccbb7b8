"""The limiter checks only the views a limit names, unless a limit is set beyond the views."""

from __future__ import annotations

from flask import Flask

from webapp.web.rate_limits import ViewLimiter


def small_app(**limiter_options) -> tuple[Flask, ViewLimiter, list[str]]:
    """A Flask app with one limited view and one without, and a record of the requests the
    limiter worked through (its request filters run at the start of every check)."""
    app = Flask(__name__)
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    limiter = ViewLimiter(key_func=lambda: "one-client", app=app, **limiter_options)
    checked: list[str] = []

    @limiter.request_filter
    def note_the_check():
        from flask import request

        checked.append(request.endpoint)
        return False

    @app.get("/limited")
    @limiter.limit("1 per minute")
    def limited():
        return "limited"

    @app.get("/free")
    def free():
        return "free"

    return app, limiter, checked


def test_a_view_without_a_limit_is_not_checked_and_a_limited_one_still_is():
    app, limiter, checked = small_app()
    client = app.test_client()
    assert [client.get("/free").status_code for _ in range(3)] == [200, 200, 200]
    assert [client.get("/limited").status_code for _ in range(2)] == [200, 429]
    with app.app_context():
        assert limiter.limited_endpoints() == frozenset({"limited"})
    assert "free" not in checked
    assert "limited" in checked


def test_a_default_limit_makes_every_view_checked():
    app, limiter, checked = small_app(default_limits=["2 per minute"])
    client = app.test_client()
    assert [client.get("/free").status_code for _ in range(3)] == [200, 200, 429]
    with app.app_context():
        assert limiter.limited_endpoints() is None
    assert "free" in checked


def test_an_application_limit_makes_every_view_checked():
    app, _limiter, _checked = small_app(application_limits=["2 per minute"])
    client = app.test_client()
    assert [client.get("/free").status_code for _ in range(3)] == [200, 200, 429]


def test_the_service_checks_sign_in_and_the_parents_link_but_not_the_question_pages(app):
    from webapp.extensions import limiter

    with app.test_request_context():
        limited = limiter.limited_endpoints()
    assert limited is not None
    assert {"auth.sign_in", "parent.open_link"} <= limited
    assert not {"parent.question", "parent.save", "site.healthz"} & limited
