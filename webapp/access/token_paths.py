"""Addresses that carry a bearer secret, masked for logs. A parent's link (/p/start/TOKEN) and
a staff set-up link (/account/set-up/TOKEN) open someone's records to whoever holds them, so
the segment after `start` or `set-up` never reaches an access log. gunicorn.conf.py masks its
access log with this; docs/deployment.md gives nginx the same rule (a map on $uri)."""

from __future__ import annotations

import re

MASK = "[token]"
# After any `start` or `set-up` segment, however many slashes follow (werkzeug merges them, so
# //p//start//TOKEN reaches the same page). Paths are matched decoded (PATH_INFO, nginx's $uri),
# so %73tart cannot slip past.
TOKEN_SEGMENT = re.compile(r"(/(?:start|set-up)/+)[^/]+")


def mask_tokens(path: str | None) -> str:
    """The path with every token segment replaced by [token]."""
    return TOKEN_SEGMENT.sub(lambda match: match.group(1) + MASK, path or "")
