"""Production settings for gunicorn:  gunicorn -c gunicorn.conf.py

Every value can be set from the environment. All state lives in the database, so the service
grows by running more of these (on more machines, each on loopback behind its TLS proxy),
against one PostgreSQL (DATABASE_URL) and one Redis for rate limits (RATELIMIT_STORAGE_URI)."""

import os

from gunicorn.glogging import Logger

from webapp.access.token_paths import mask_tokens

wsgi_app = "wsgi:app"  # wsgi.py at the repository root
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads share a process's memory (one app, one connection pool); processes use every core.
# The default suits the 2-core machines this was measured on (see bench/RESULTS.md).
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak in any library cannot grow without bound.
max_requests = 25000
max_requests_jitter = 2500
# Each worker builds its own app after the fork: no database connection crosses a fork.
preload_app = False
# Trust no X-Forwarded-* header here: the app's TRUSTED_PROXY_HOPS (werkzeug's ProxyFix) is the
# one place that says which proxies to believe, for the scheme and the client's address alike.
forwarded_allow_ips = ""
# Access log: method, path WITHOUT the query string (%(U)s), status, size and time in ms.
# No query strings, cookies or referrers, so nothing personal reaches the log; the logger below
# masks the token in a parent's or a staff set-up link.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class TokenMaskingLogger(Logger):
    """gunicorn's logger, with link tokens masked in the access log's path and request line
    (webapp/access/token_paths.py): whoever reads the log cannot open a parent's answers."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = mask_tokens(atoms["U"])
        atoms["U"] = path
        # The raw request line could hide a token in %-escapes: rebuild it, decoded and masked.
        atoms["r"] = f"{atoms['m']} {path} {atoms['H']}"
        atoms["q"] = "-"
        return atoms


logger_class = TokenMaskingLogger
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker):
    """Once a worker has built its app, move everything it holds out of the garbage
    collector's sight: a full collection otherwise walks the whole app (160,000 objects),
    holding every thread of the worker for about 100 ms, now and then under load (see
    bench/RESULTS.md). What requests create is still collected as before."""
    import gc

    gc.freeze()


def on_starting(server):
    """Check the settings once, in the master, before any worker starts: an unsafe production
    setting (webapp/config.py) or an address beyond loopback stops gunicorn with one line
    naming the setting ("Error: ..."), not a worker's traceback."""
    from webapp.config import check_listen_hosts, load_config

    hosts = [address[0] for address in server.cfg.address if isinstance(address, tuple)]
    check_listen_hosts(load_config(), hosts, "The bind address (GUNICORN_BIND or --bind)")
