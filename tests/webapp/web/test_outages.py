"""When a part the service depends on is down, pages answer with a plain 503 and /healthz says
which part: Redis (where the limits are counted), started and stopped by the test, and a
database that cannot be reached (a SQLite file in a folder that does not exist). Real parts,
no mocks."""

from __future__ import annotations

import os

import pytest

from questionnaires import builtin_library
from tests.conftest import TEST_CONFIG
from tests.factories import create_case, create_team
from tests.pages import check_page, csrf_token, get_page
from tests.redis_server import RedisServer
from webapp import create_app
from webapp.extensions import db
from webapp.services.invitations import create_invitation

READING = builtin_library().get("reading-writing")
UNAVAILABLE = "Sorry, the service is unavailable"


def assert_plain_503(response) -> None:
    assert response.status_code == 503, response.status_code
    text = response.get_data(as_text=True)
    check_page(text)
    assert UNAVAILABLE in text and "Anything you already saved is safe" in text
    assert "Traceback" not in text and "Error" not in text.split("<title>")[1].split("<")[0]
    assert int(response.headers["Retry-After"]) > 0  # the limiter may set its own


def sign_in_attempt(client, email: str = "nobody@example.test"):
    token = csrf_token(get_page(client, "/sign-in"))
    return client.post(
        "/sign-in", data={"csrf_token": token, "email": email, "password": "not the password"}
    )


@pytest.fixture
def redis_server(tmp_path):
    with RedisServer(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def app_on_redis(database_uri, tmp_path, redis_server):
    """The app with its limits counted in the test's Redis."""
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "IMPORTED_CONTENT_DIR": str(tmp_path / "imported"),
            "RATELIMIT_STORAGE_URI": redis_server.uri,
        }
    )
    if os.environ.get("DATABASE_URL"):
        from tests.factories import reset_external_database

        reset_external_database(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def parent_link(app) -> str:
    with app.app_context():
        case = create_case(team=create_team())
        _invitation, token = create_invitation(case, [READING], None)
    return f"/p/start/{token}"


def test_limits_are_counted_in_redis(app_on_redis, redis_server):
    response = sign_in_attempt(app_on_redis.test_client())
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert any("sign_in" in key for key in redis_server.stored_keys()), redis_server.stored_keys()


def test_redis_down_gives_a_plain_503_and_the_health_check_says_so(app_on_redis, redis_server):
    client = app_on_redis.test_client()
    link = parent_link(app_on_redis)
    parent = app_on_redis.test_client()
    assert parent.get(link).status_code == 302  # the parent's link is open
    agree = {"csrf_token": csrf_token(get_page(parent, "/p/")), "agree": "y"}
    assert parent.post("/p/", data=agree).status_code == 302
    question = f"/p/questions/reading-writing/{READING.items[0].id}"
    assert client.get("/healthz").json == {"status": "ok", "database": "ok", "rate_limits": "ok"}

    redis_server.stop()
    # Sign-in and a parent's link look-up are the limited pages: both need Redis.
    assert_plain_503(sign_in_attempt(client))
    assert_plain_503(app_on_redis.test_client().get(link))
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json == {"status": "down", "database": "ok", "rate_limits": "down"}
    # Pages without a limit do not need Redis: a parent whose link is open goes on answering.
    assert client.get("/sign-in").status_code == 200
    assert parent.get(question).status_code == 200

    redis_server.start()  # back on the same port: everything answers again
    assert sign_in_attempt(client).status_code == 200
    assert app_on_redis.test_client().get(link).status_code == 302
    assert client.get("/healthz").status_code == 200


def test_database_down_gives_a_plain_503_and_the_health_check_says_so(tmp_path):
    down = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/db.sqlite",
        }
    )
    client = down.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json == {"status": "down", "database": "down", "rate_limits": "ok"}
    assert_plain_503(sign_in_attempt(client))
    assert_plain_503(client.get("/p/start/" + "a" * 43))


def test_redis_lost_during_a_request_is_still_a_503(app_on_redis, redis_server):
    """Redis goes away after the limit was checked: the limiter's headers, added after the
    view, fail outside any handler of the view's, and Flask turns that into a 500. It is
    still an outage, so it answers 503."""
    from webapp.extensions import limiter

    def stops_redis():
        redis_server.stop()
        return "done"

    app_on_redis.add_url_rule(
        "/stops-redis", "stops_redis", limiter.limit("5 per minute")(stops_redis)
    )
    app_on_redis.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 handler runs
    assert_plain_503(app_on_redis.test_client().get("/stops-redis"))
