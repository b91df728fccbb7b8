"""A WSGI app that answers with how many objects its worker has frozen out of the garbage
collector's sight (gc.get_freeze_count): served by gunicorn.conf.py in a test."""

import gc


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(gc.get_freeze_count()).encode()]
