"""Safe by default: unset, APP_ENV means production, which refuses the development secret, demo
mode and any address but loopback. Development and demo are asked for by name."""

from __future__ import annotations

import pytest

from webapp import create_app
from webapp.config import DEV_SECRET, ConfigError, check_listen_hosts, load_config

# Every production setting that is safe: a long secret, PostgreSQL, limits kept in Redis.
SAFE = {
    "SECRET_KEY": "s" * 40,
    "DATABASE_URL": "postgresql+psycopg://db/app",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
}


@pytest.fixture
def environment(monkeypatch):
    """APP_ENV and the settings it judges unset; returns a setter for the ones a test needs."""
    for name in ("APP_ENV", "DEMO_MODE", *SAFE):
        monkeypatch.delenv(name, raising=False)

    def set_env(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_unset_app_env_is_production(environment):
    environment(**SAFE)
    config = load_config()
    assert config["APP_ENV"] == "production"
    assert config["SESSION_COOKIE_SECURE"] and not config["DEMO_MODE"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": SAFE["DATABASE_URL"]}, "Set SECRET_KEY"),
        ({**SAFE, "SECRET_KEY": DEV_SECRET}, "SECRET_KEY is the public development secret"),
        ({**SAFE, "DEMO_MODE": "1"}, "Demo mode is refused in production: unset DEMO_MODE"),
        ({**SAFE, "APP_ENV": "prod"}, "Set APP_ENV to production, development or demo"),
    ],
    ids=["no-secret", "development-secret", "demo-mode", "unknown-app-env"],
)
def test_without_app_env_unsafe_settings_are_refused(environment, env, message):
    environment(**env)
    with pytest.raises(ConfigError, match=message) as refusal:
        load_config()
    assert "\n" not in str(refusal.value)  # one line


@pytest.mark.parametrize("env", ["development", "demo", "Demo "])
def test_development_and_demo_start_with_the_development_secret_and_demo_mode(environment, env):
    environment(APP_ENV=env)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == DEV_SECRET and app.config["DEMO_MODE"]
    assert not app.config["SESSION_COOKIE_SECURE"]
    check_listen_hosts(app.config, ["0.0.0.0"], "GUNICORN_BIND")  # noqa: S104 - allowed here


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "10.1.2.3", "example.org", ""])  # noqa: S104
def test_production_refuses_every_address_but_loopback(environment, host):
    environment(**SAFE)
    with pytest.raises(ConfigError, match="GUNICORN_BIND is .*: production listens on loopback"):
        check_listen_hosts(load_config(), [host], "GUNICORN_BIND")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_production_listens_on_loopback(environment, host):
    environment(**SAFE)
    check_listen_hosts(load_config(), [host], "GUNICORN_BIND")
