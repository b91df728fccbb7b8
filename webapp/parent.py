"""The parent's own journey through a private link (built in a later issue)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("parent", __name__, url_prefix="/p")
