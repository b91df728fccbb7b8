"""The WSGI entry point for any server: `gunicorn -c gunicorn.conf.py` uses it, and so can
uWSGI or mod_wsgi (`wsgi:app`). Configuration comes from the environment (webapp/config.py):
with APP_ENV=production the app refuses to start without SECRET_KEY or on SQLite."""

from webapp import create_app

app = create_app()
