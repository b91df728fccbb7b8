"""Configuration from the environment, with safe development defaults and a refusal to run in
production without a real secret key and database."""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEV_SECRET = "development-only-secret-not-for-production"  # noqa: S105 - refused in production


class ConfigError(RuntimeError):
    """The app was asked to start with settings that are unsafe for where it runs."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(overrides: dict | None = None) -> dict:
    env = os.environ.get("APP_ENV", "development")
    production = env == "production"
    config = {
        "APP_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or (None if production else DEV_SECRET),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{INSTANCE_DIR / 'screening.sqlite'}",
        "DEMO_MODE": _flag("DEMO_MODE", default=not production),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SIGN_IN_RATE_LIMIT": os.environ.get("SIGN_IN_RATE_LIMIT", "20 per minute"),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "SERVICE_NAME": os.environ.get("SERVICE_NAME", "Screening and support"),
        "ORGANISATION_NAME": os.environ.get("ORGANISATION_NAME", "Children's services"),
        # A number any parent can call, for when we cannot tell which team is theirs (a
        # mistyped link). Each team's own number is kept on the team.
        "ORGANISATION_PHONE": os.environ.get("ORGANISATION_PHONE", ""),
        "PLAN_REVIEW_MONTHS": int(os.environ.get("PLAN_REVIEW_MONTHS", "6")),
        # Parents' private links: how long they stay open, and the address they start with.
        "INVITATION_DAYS": int(os.environ.get("INVITATION_DAYS", "14")),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "PARENT_LINK_RATE_LIMIT": os.environ.get("PARENT_LINK_RATE_LIMIT", "30 per minute"),
        # Who a parent can call at once after a safety answer. Local services set their own.
        "CRISIS_LINES": [
            ("If you are in danger now", "Call 999."),
            ("Samaritans, free, day or night", "Call 116 123."),
            ("NHS 111, for urgent help with your mental health", "Call 111 and choose option 2."),
        ],
        "BABEL_DEFAULT_LOCALE": "en",
        # The questionnaires ticked at first when a worker sends a private link.
        "DEFAULT_QUESTIONNAIRES": os.environ.get(
            "DEFAULT_QUESTIONNAIRES", "reading-writing,communication-preferences"
        ).split(","),
        "DASHBOARD_CACHE_SECONDS": int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60")),
        # Parents' question pages kept rendered per worker (webapp/page_cache.py); 0 turns it off.
        "PAGE_CACHE_SIZE": int(os.environ.get("PAGE_CACHE_SIZE", "1000")),
        # Questionnaires and scorecards imported by `flask import-questionnaire`.
        "IMPORTED_CONTENT_DIR": os.environ.get(
            "IMPORTED_CONTENT_DIR", str(INSTANCE_DIR / "imported")
        ),
        # How long records are kept (days). A case on legal hold is never purged.
        "RETENTION_DAYS": {
            "case": int(os.environ.get("RETENTION_CASE_DAYS", str(6 * 365))),
            "invitation": int(os.environ.get("RETENTION_LINK_DAYS", "90")),
            "audit_event": int(os.environ.get("RETENTION_AUDIT_DAYS", str(7 * 365))),
        },
        # hide_parameters keeps bound values (names, answers) out of logs and error messages.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "WTF_CSRF_TIME_LIMIT": None,
    }
    config.update(overrides or {})
    check_config(config)
    return config


def check_config(config: dict) -> None:
    if config["APP_ENV"] != "production":
        return
    if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEV_SECRET:
        raise ConfigError("Set SECRET_KEY: the app will not run in production without one.")
    # SQLite is the embedded default for one machine; production runs several app instances
    # against one database server.
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite:"):
        raise ConfigError("Set DATABASE_URL to a PostgreSQL database: production needs one.")
    if config.get("DEMO_MODE"):
        raise ConfigError("Demo mode is refused in production: unset DEMO_MODE.")
