"""The set-up commands and the refusal to run unsafely in production."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp import create_app
from webapp.config import ConfigError, load_config
from webapp.extensions import db
from webapp.storage.records import Case, Plan, Result, User


def test_init_db_then_demo_data_gives_demo_users_and_referrals(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "DEMO_MODE": True})
    runner = app.test_cli_runner()
    assert "up to date" in runner.invoke(args=["init-db"]).output
    monkeypatch.setenv("DEMO_PASSWORD", "a demo password long enough")
    result = runner.invoke(args=["demo-data", "--print-logins"])
    assert result.exit_code == 0, result.output
    for email in ("intake@demo.test", "clinician@demo.test", "admin@demo.test"):
        assert email in result.output
    assert "a demo password long enough" in result.output
    again = runner.invoke(args=["demo-data"])  # running twice adds nothing
    assert again.exit_code == 0
    with app.app_context():
        # Three demo users and the demo team's lead.
        assert db.session.scalar(select(func.count(User.id))) == 4
        assert db.session.scalar(select(func.count(Case.id))) == 3
        assert db.session.scalar(select(func.count(Result.id))) == 2
        assert db.session.scalar(select(func.count(Plan.id))) == 2


def test_demo_data_is_refused_outside_demo_mode(app, monkeypatch):
    app.config["DEMO_MODE"] = False
    monkeypatch.setenv("DEMO_PASSWORD", "a demo password long enough")
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "only allowed in demo mode" in result.output


def test_demo_data_needs_a_long_enough_password(app, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "short")
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0 and "12 or more characters" in result.output


def test_create_user_with_password_option(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "Lead@Example.test",
            "--role",
            "clinician",
            "--team",
            "East",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.email, user.role, user.team.name) == ("lead@example.test", "clinician", "East")


def test_create_user_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "admin@example.test", "--role", "admin"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output


def test_create_user_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "x@example.test", "--role", "admin", "--password", "short"]
    )
    assert result.exit_code != 0 and "12 characters or more" in result.output


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "s" * 40}, "DATABASE_URL"),
        (
            {"SECRET_KEY": "s" * 40, "DATABASE_URL": "postgresql://db/app", "DEMO_MODE": "1"},
            "Demo mode",
        ),
        (
            {"SECRET_KEY": "s" * 40, "DATABASE_URL": "postgresql://db/app"},
            "RATELIMIT_STORAGE_URI to a Redis address",
        ),
        (
            {
                "SECRET_KEY": "s" * 40,
                "DATABASE_URL": "postgresql://db/app",
                "RATELIMIT_STORAGE_URI": "memory://",
            },
            "memory:// would give each worker and each instance limits of its own",
        ),
    ],
)
def test_production_refuses_unsafe_settings(monkeypatch, env, message):
    for name in ("SECRET_KEY", "DATABASE_URL", "DEMO_MODE", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_config()


def test_production_with_safe_settings_starts(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/app")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://redis-host:6379/0")
    monkeypatch.delenv("DEMO_MODE", raising=False)
    config = load_config()
    assert config["SESSION_COOKIE_SECURE"] and not config["DEMO_MODE"]
    assert config["RATELIMIT_STORAGE_URI"] == "redis://redis-host:6379/0"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "rate_limits": "ok"}


def test_unknown_page_is_a_plain_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data and b"Traceback" not in response.data


def test_server_error_shows_a_reference_not_a_traceback(database_uri):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri})
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    response = app.test_client().get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "give this reference" in text
    assert "ZeroDivisionError" not in text and "Traceback" not in text


def test_demo_data_can_add_many_synthetic_referrals(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'bulk.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "DEMO_MODE": True})
    runner = app.test_cli_runner()
    runner.invoke(args=["init-db"])
    monkeypatch.setenv("DEMO_PASSWORD", "a demo password long enough")
    result = runner.invoke(args=["demo-data", "--cases", "2500"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from webapp.storage.records import Answer, Review

        assert db.session.scalar(select(func.count(Case.id))) == 2503
        assert db.session.scalar(select(func.count(Answer.id))) == 25020
        assert db.session.scalar(select(func.count(Review.id))) > 0
        levels = set(db.session.scalars(select(Case.flag_level)))
        assert {"none", "possible", "likely"} <= levels
    client = app.test_client()
    from tests.factories import sign_in_as

    with app.app_context():
        worker = db.session.scalars(select(User).where(User.email == "intake@demo.test")).one()
        session_id = worker.get_id()
    sign_in_as(client, session_id)
    assert client.get("/cases?page=3").status_code == 200
    assert client.get("/dashboard").status_code == 200


def test_score_batch_scores_rows_and_reports_bad_ones(app, tmp_path):
    import csv as csv_module

    from questionnaires import builtin_library

    items = builtin_library().get("reading-writing").items
    rows = [
        {item.id: item.option_values[-1] for item in items},
        {item.id: item.option_values[0] for item in items},
    ]
    rows[1]["rw_forms"] = "banana"
    source = tmp_path / "in.csv"
    with source.open("w", newline="") as handle:
        writer = csv_module.DictWriter(handle, ["id", *rows[0]])
        writer.writeheader()
        for number, row in enumerate(rows, start=1):
            writer.writerow({"id": f"R{number}", **row})
    target = tmp_path / "out.csv"
    result = app.test_cli_runner().invoke(args=["score-batch", str(source), str(target), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Scored 2 rows" in result.output and "1 row(s) had problems" in result.output
    assert "row 2, column rw_forms" in result.output
    with target.open(newline="") as handle:
        scored = list(csv_module.DictReader(handle))
    assert scored[0]["id"] == "R1"
    literacy = [key for key in scored[0] if key.startswith("literacy-expert")]
    assert literacy and any(scored[0][key] == "40" or scored[0][key] == "40.0" for key in literacy)


def test_a_server_database_is_pinged_before_reuse_and_a_sqlite_file_is_not():
    from webapp.config import load_config

    def options(uri):
        return load_config({"SQLALCHEMY_DATABASE_URI": uri})["SQLALCHEMY_ENGINE_OPTIONS"]

    assert options("postgresql+psycopg://db.internal/screening") == {
        "pool_pre_ping": True,
        "hide_parameters": True,
    }
    assert options("sqlite:////var/lib/screening.sqlite") == {
        "pool_pre_ping": False,
        "hide_parameters": True,
    }
