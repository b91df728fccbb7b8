"""Configuration from the environment. Production is the default: development and demo are
asked for by name (APP_ENV), and only they may use the development secret, demo mode or an
address beyond loopback."""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path

from webapp.storage.states import Role

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEV_SECRET = "development-only-secret-not-for-production"  # noqa: S105 - refused in production
DEFAULT_SAFETY_MESSAGE = (
    "We have told your social worker and their team now.\n"
    "They will try to contact you soon.\n"
    "If you need help now, call one of the numbers below."
)


# APP_ENV's values. Unset means production, so a forgotten setting is the safe one.
PRODUCTION = "production"
RELAXED_ENVS = ("development", "demo")


class ConfigError(RuntimeError):
    """The app was asked to start with settings that are unsafe for where it runs."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _whole_number(name: str, default: str) -> int:
    value = os.environ.get(name, default).strip()
    if not value.isdecimal():
        raise ConfigError(f"Set {name} to a whole number of 0 or more, not {value!r}.")
    return int(value)


def _pairs(name: str) -> dict[str, str]:
    """ "a=b,c=d" as {"a": "b", "c": "d"}, in the order given."""
    pairs = {}
    for entry in os.environ.get(name, "").split(","):
        if not entry.strip():
            continue
        key, sep, value = entry.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"{name}: write each entry as value=role, not {entry.strip()!r}.")
        pairs[key.strip()] = value.strip()
    return pairs


def load_config(overrides: dict | None = None) -> dict:
    env = os.environ.get("APP_ENV", "").strip().lower() or PRODUCTION
    production = env not in RELAXED_ENVS
    config = {
        "APP_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or (None if production else DEV_SECRET),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{INSTANCE_DIR / 'screening.sqlite'}",
        "DEMO_MODE": _flag("DEMO_MODE", default=not production),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        # wrap_exceptions: an unreachable store raises limits' StorageError, which the error
        # pages answer with 503 (webapp/web/errors.py). The timeouts keep a request from hanging
        # on a Redis that does not answer (the in-memory store ignores them).
        "RATELIMIT_STORAGE_OPTIONS": {
            "wrap_exceptions": True,
            "socket_connect_timeout": 2,
            "socket_timeout": 2,
        },
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
        # Who a parent can call at once after a safety answer. Local services set their own:
        # who (easy read), the number to dial (digits, a leading + allowed: the tap-to-call
        # link), and the words on the link.
        "CRISIS_LINES": [
            {"who": "If you are in danger now", "dial": "999", "words": "Call 999."},
            {"who": "Samaritans, free, day or night", "dial": "116123", "words": "Call 116 123."},
            {
                "who": "NHS 111, for urgent help with your mental health",
                "dial": "111",
                "words": "Call 111 and choose option 2.",
            },
        ],
        # What a parent reads after a safety answer: only what the service really does.
        # Easy read, one sentence a line, 15 words or fewer each.
        "SAFETY_ALERT_PARENT_MESSAGE": os.environ.get(
            "SAFETY_ALERT_PARENT_MESSAGE", DEFAULT_SAFETY_MESSAGE
        ),
        # An alert nobody has acknowledged after this many hours goes to the team's lead.
        "SAFETY_ALERT_ESCALATE_HOURS": float(os.environ.get("SAFETY_ALERT_ESCALATE_HOURS", "4")),
        # Times are stored in UTC and shown to staff in this zone.
        "DISPLAY_TIMEZONE": os.environ.get("DISPLAY_TIMEZONE", "Europe/London"),
        "BABEL_DEFAULT_LOCALE": "en",
        # The questionnaires ticked at first when a worker sends a private link.
        "DEFAULT_QUESTIONNAIRES": os.environ.get(
            "DEFAULT_QUESTIONNAIRES", "reading-writing,communication-preferences"
        ).split(","),
        # A private link's form leaves out (does not tick) a questionnaire answered this
        # many days ago or sooner: the parent need not answer it again.
        "RECENTLY_ANSWERED_DAYS": int(os.environ.get("RECENTLY_ANSWERED_DAYS", "30")),
        "DASHBOARD_CACHE_SECONDS": int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60")),
        # Parents' question pages kept rendered per worker (webapp/web/page_cache.py); 0: off.
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
        "WTF_CSRF_TIME_LIMIT": None,
        # GOV.UK Notify (docs/deployment.md). Without a key, messages wait on the case page
        # for the worker to copy or print, marked "not sent by the service".
        "NOTIFY_API_KEY": os.environ.get("NOTIFY_API_KEY", ""),
        "NOTIFY_BASE_URL": os.environ.get(
            "NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
        ),
        "NOTIFY_SMS_TEMPLATE_ID": os.environ.get("NOTIFY_SMS_TEMPLATE_ID", ""),
        "NOTIFY_EMAIL_TEMPLATE_ID": os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", ""),
        # The bearer token Notify sends with its callbacks (set the same in Notify).
        "NOTIFY_CALLBACK_TOKEN": os.environ.get("NOTIFY_CALLBACK_TOKEN", ""),
        # The outbox: a temporary failure waits MESSAGE_RETRY_SECONDS, doubling each time,
        # up to MESSAGE_MAX_ATTEMPTS sends; a sender's claim on a message lasts
        # MESSAGE_CLAIM_SECONDS (then another sender checks with Notify and takes it over).
        "MESSAGE_RETRY_SECONDS": float(os.environ.get("MESSAGE_RETRY_SECONDS", "60")),
        "MESSAGE_MAX_ATTEMPTS": int(os.environ.get("MESSAGE_MAX_ATTEMPTS", "6")),
        "MESSAGE_CLAIM_SECONDS": float(os.environ.get("MESSAGE_CLAIM_SECONDS", "300")),
        # Reminders for a link sent by the service and not finished: days after it was sent
        # (at most REMINDER_MAX), never in the quiet hours (QUIET_HOURS, "20-8": 8 pm to 8 am
        # in DISPLAY_TIMEZONE). The worker is warned EXPIRY_WARNING_DAYS before it expires.
        "REMINDER_DAYS": [
            float(day) for day in os.environ.get("REMINDER_DAYS", "3,7").split(",") if day.strip()
        ],
        "REMINDER_MAX": int(os.environ.get("REMINDER_MAX", "2")),
        "QUIET_HOURS": [int(h) for h in os.environ.get("QUIET_HOURS", "20-8").split("-")],
        "EXPIRY_WARNING_DAYS": float(os.environ.get("EXPIRY_WARNING_DAYS", "2")),
        # How many proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto (nginx
        # on the same host: 1). 0 trusts none, so nobody can claim another address or scheme.
        "TRUSTED_PROXY_HOPS": _whole_number("TRUSTED_PROXY_HOPS", "0"),
        # The largest request body (bytes): bigger ones get 413 before anything reads them. Our
        # forms and autosaves are a few kilobytes; a questionnaire is imported from the command
        # line, not posted.
        "MAX_CONTENT_LENGTH": _whole_number("MAX_CONTENT_LENGTH", str(1024 * 1024)),
        # A form's fields held in memory (bytes, all of them together) and how many fields.
        "MAX_FORM_MEMORY_SIZE": _whole_number("MAX_FORM_MEMORY_SIZE", str(256 * 1024)),
        "MAX_FORM_PARTS": _whole_number("MAX_FORM_PARTS", "500"),
        # Council sign-in through OpenID Connect (docs/deployment.md): on when all three are
        # set. The issuer's /.well-known/openid-configuration gives the rest.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", "").strip().rstrip("/"),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        # Where the provider sends people back: register exactly this address with it.
        "OIDC_REDIRECT_URI": os.environ.get("OIDC_REDIRECT_URI", "").strip(),
        "OIDC_SCOPES": os.environ.get("OIDC_SCOPES", "openid email profile"),
        # The claim holding the person's roles (Entra ID's app roles: "roles"), and which of
        # its values gives which of our roles: "Council.Value=role,...", first match wins.
        "OIDC_ROLE_CLAIM": os.environ.get("OIDC_ROLE_CLAIM", "roles").strip(),
        "OIDC_ROLE_MAP": _pairs("OIDC_ROLE_MAP"),
        # The claim naming the person's team: its value is a team's name in this service.
        "OIDC_TEAM_CLAIM": os.environ.get("OIDC_TEAM_CLAIM", "team").strip(),
        # The provider's multi-factor sign-in stands for our code only when its amr claim holds
        # one of these values (RFC 8176; Entra ID says "mfa").
        "OIDC_MFA_AMR": [
            value.strip()
            for value in os.environ.get("OIDC_MFA_AMR", "mfa").split(",")
            if value.strip()
        ],
        # false: no password sign-in at all, only the council's (the form is hidden, its posts
        # refused).
        "LOCAL_SIGN_IN": _flag("LOCAL_SIGN_IN", default=True),
    }
    config.update(overrides or {})
    config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", engine_options(str(config["SQLALCHEMY_DATABASE_URI"]))
    )
    check_config(config)
    return config


def engine_options(database_uri: str) -> dict:
    """hide_parameters keeps bound values (names, answers) out of logs and error messages.
    A database server's pooled connection is pinged before it is used again, since the server
    may have restarted or dropped it; a SQLite file's is not: nothing between can drop it, and
    the ping was 1-2% of a parent's question page (bench/RESULTS.md)."""
    return {"pool_pre_ping": not database_uri.startswith("sqlite:"), "hide_parameters": True}


def check_config(config: dict) -> None:
    if config["APP_ENV"] not in (PRODUCTION, *RELAXED_ENVS):
        raise ConfigError(
            f"Set APP_ENV to production, development or demo, not {config['APP_ENV']!r}."
        )
    hops = config["TRUSTED_PROXY_HOPS"]
    if not isinstance(hops, int) or isinstance(hops, bool) or hops < 0:
        raise ConfigError("Set TRUSTED_PROXY_HOPS to a whole number of 0 or more.")
    check_crisis_lines(config["CRISIS_LINES"])
    if config["SAFETY_ALERT_ESCALATE_HOURS"] <= 0:
        raise ConfigError("Set SAFETY_ALERT_ESCALATE_HOURS to a number of hours above 0.")
    if not config["SAFETY_ALERT_PARENT_MESSAGE"].strip():
        raise ConfigError("SAFETY_ALERT_PARENT_MESSAGE is empty: give parents some words.")
    check_notify(config)
    check_council_sign_in(config)
    if config["APP_ENV"] != "production":
        return
    if not config.get("SECRET_KEY"):
        raise ConfigError(
            "Set SECRET_KEY: the app will not run in production without one "
            "(APP_ENV=development for a local copy)."
        )
    if config["SECRET_KEY"] == DEV_SECRET:
        raise ConfigError(
            "SECRET_KEY is the public development secret: set a long random one for production."
        )
    # SQLite is the embedded default for one machine; production runs several app instances
    # against one database server.
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite:"):
        raise ConfigError("Set DATABASE_URL to a PostgreSQL database: production needs one.")
    if config.get("DEMO_MODE"):
        raise ConfigError(
            "Demo mode is refused in production: unset DEMO_MODE (or set APP_ENV=demo)."
        )
    check_rate_limit_storage(config)


def check_rate_limit_storage(config: dict) -> None:
    """In production, limits are kept where every worker of every instance counts them: an
    in-memory store counts each worker apart, so a limit of 20 would let 20 tries per worker."""
    uri = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if uri.startswith("memory:"):
        raise ConfigError(
            "Set RATELIMIT_STORAGE_URI to a Redis address (redis://host:6379/0): in production, "
            "memory:// would give each worker and each instance limits of its own."
        )


def check_listen_hosts(config: dict, hosts, setting: str) -> None:
    """Production listens on loopback only, behind the TLS proxy on the same machine: the app
    speaks plain HTTP and must not be reached past that proxy. `hosts` are the network
    addresses it listens on (a Unix socket is local and has none); `setting` names where they
    were set, for the message."""
    if config["APP_ENV"] in RELAXED_ENVS:
        return
    for host in hosts:
        if not _is_loopback(host):
            raise ConfigError(
                f"{setting} is {host!r}: production listens on loopback only "
                "(127.0.0.1 or ::1, behind the TLS proxy)."
            )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name could resolve to anything


def check_crisis_lines(lines) -> None:
    """Every crisis line needs words to show and a number a phone can dial (a tel: link)."""
    for line in lines:
        if not isinstance(line, dict) or not all(
            isinstance(line.get(key), str) and line[key].strip() for key in ("who", "dial", "words")
        ):
            raise ConfigError(f"Each of CRISIS_LINES needs who, dial and words: {line!r}")
        if not re.fullmatch(r"\+?[0-9]{3,15}", line["dial"]):
            raise ConfigError(
                f"CRISIS_LINES: dial {line['dial']!r} must be digits only (a leading + allowed)"
            )


NOTIFY_KEY = re.compile(r".+-[0-9a-f-]{36}-[0-9a-f-]{36}", re.I)


def check_notify(config: dict) -> None:
    """A Notify key in its usual form ({name}-{service id}-{secret}), with a template for each
    kind of message it will send."""
    key = config["NOTIFY_API_KEY"]
    if not key:
        return
    if not NOTIFY_KEY.fullmatch(key):
        raise ConfigError(
            "NOTIFY_API_KEY is not a Notify API key: copy the whole key from Notify "
            "(name-serviceid-secret)."
        )
    missing = [
        name
        # Letters need no template: they go as our own PDF (Notify's precompiled letters).
        for name in ("NOTIFY_SMS_TEMPLATE_ID", "NOTIFY_EMAIL_TEMPLATE_ID")
        if not config[name]
    ]
    if missing:
        raise ConfigError(f"With NOTIFY_API_KEY set, also set {', '.join(missing)}.")


OIDC_SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
STAFF_ROLES = tuple(Role)


def council_sign_in_on(config) -> bool:
    return all(config.get(name) for name in OIDC_SETTINGS)


def check_council_sign_in(config: dict) -> None:
    """All three OIDC settings or none, a role map into our roles, and some way to sign in."""
    given = [name for name in OIDC_SETTINGS if config.get(name)]
    if given and len(given) < len(OIDC_SETTINGS):
        missing = ", ".join(name for name in OIDC_SETTINGS if name not in given)
        raise ConfigError(f"Council sign-in needs all of its settings: also set {missing}.")
    if not config.get("LOCAL_SIGN_IN", True) and not given:
        raise ConfigError("LOCAL_SIGN_IN=false needs council sign-in: set the OIDC_ settings.")
    if not given:
        return
    if not str(config["OIDC_ISSUER"]).startswith(("https://", "http://localhost", "http://127.")):
        raise ConfigError("OIDC_ISSUER must be an https:// address.")
    role_map = config.get("OIDC_ROLE_MAP") or {}
    if not role_map:
        raise ConfigError("Set OIDC_ROLE_MAP (value=role,...): without it nobody can sign in.")
    wrong = sorted(set(role_map.values()) - set(STAFF_ROLES))
    if wrong:
        raise ConfigError(
            f"OIDC_ROLE_MAP maps to {', '.join(wrong)}: use {', '.join(STAFF_ROLES)}."
        )
    if not config.get("OIDC_ROLE_CLAIM"):
        raise ConfigError("OIDC_ROLE_CLAIM is empty: name the claim that holds roles.")
