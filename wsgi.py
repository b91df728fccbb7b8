"""The WSGI entry point for any server: `gunicorn -c gunicorn.conf.py` uses it, and so can
uWSGI or mod_wsgi (`wsgi:app`). Configuration comes from the environment (webapp/config.py):
production (APP_ENV unset, or APP_ENV=production) refuses to start without SECRET_KEY, with the
development secret, in demo mode or on SQLite."""

from webapp import create_app

app = create_app()
