"""The Flask web app: one blueprint per audience, thin views over the screening domain."""

from __future__ import annotations

import click
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from screening import builtin_content
from webapp.config import INSTANCE_DIR, ConfigError, check_listen_hosts, load_config
from webapp.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from webapp.storage.database import (
    MIGRATIONS_DIR,
    configure_sqlite,
    protect_sql_logs,
    register_read_only_views,
)
from webapp.web.assets import init_assets
from webapp.web.session_cookie import SessionCookie
from webapp.web.templating import register_template_helpers


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        static_folder="static",
        static_url_path="/assets",
        instance_path=str(INSTANCE_DIR),
    )
    app.session_interface = SessionCookie()
    try:
        app.config.update(load_config(overrides))
        _refuse_public_dev_server(app)
    except ConfigError as error:
        if click.get_current_context(silent=True) is None:
            raise
        # A `flask` command: one line naming the setting ("Error: ..."), not a traceback.
        raise click.ClickException(str(error)) from None
    # A mistake in a content file (adjustments, plan rules, their actions) stops the start with
    # the file, line and item, rather than surfacing when a worker first books a meeting.
    builtin_content()
    _trust_proxies(app)
    _set_up_templates(app)
    _init_extensions(app)
    _register_rooms(app)
    return app


def _refuse_public_dev_server(app: Flask) -> None:
    """`flask run --host` beyond loopback only in development or demo: outside them the
    service listens behind the TLS proxy alone (gunicorn.conf.py checks its bind the same)."""
    context = click.get_current_context(silent=True)
    if context is not None and context.info_name == "run" and context.params.get("host"):
        check_listen_hosts(app.config, [context.params["host"]], "flask run --host")


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXY_HOPS proxies, take the client's address, scheme, host and port from
    their X-Forwarded-* headers, so rate limits and the audit see the real client. With 0 (the
    default) these headers are ignored: a client could write anything in them."""
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )


def _set_up_templates(app: Flask) -> None:
    """Our templates, then GOV.UK Frontend's macros, and our filters."""
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    register_template_helpers(app)
    init_assets(app)


def _init_extensions(app: Flask) -> None:
    compress.init_app(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    limiter.init_app(app)
    babel.init_app(app)
    protect_sql_logs()
    with app.app_context():
        configure_sqlite(db.engine)
    register_read_only_views(app)
    from webapp.access import council

    council.init_app(app)


def _register_rooms(app: Flask) -> None:
    """The blueprints, error pages, headers, commands and what every template needs."""
    from webapp.access import security as _security  # noqa: F401 - registers the user loader
    from webapp.cli import commands as cli
    from webapp.storage import backup
    from webapp.views import (
        admin,
        api,
        auth,
        dashboard,
        intake,
        learning,
        meetings,
        notify,
        parent,
        review,
        site,
    )
    from webapp.views import safety as safety_views
    from webapp.web import bounds, errors, headers, safety_banner

    blueprints = (
        auth.bp,
        site.bp,
        intake.bp,
        review.bp,
        parent.bp,
        admin.bp,
        dashboard.bp,
        api.bp,
        learning.bp,
        safety_views.bp,
        notify.bp,
        meetings.bp,
    )
    bounds.register(app)  # before the blueprints: their routes use its converter
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    csrf.exempt(notify.bp)  # Notify's callbacks carry a bearer token, not a form's CSRF token
    errors.register(app)
    headers.register(app)
    cli.register(app)
    backup.register(app)
    site.register_context(app)
    parent.register_context(app)
    safety_banner.register(app)
