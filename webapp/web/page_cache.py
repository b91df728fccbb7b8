"""Rendered question pages, kept per worker and reused.

A parent's question page is the busiest page of the service, and rendering the GOV.UK macros
costs far more than everything else in the request (bench/RESULTS.md). Apart from two values,
the page is a pure function of what it shows: the questionnaire version, the question, its
place in the journey, the saved answer, the display options and the language. The two values
that change on every request - the CSRF token and the CSP nonce - are swapped for markers when
a page is stored and swapped back when it is served, so no token is ever shared between
parents. Pages with errors are never stored. ``tests/webapp/web/test_page_cache.py`` proves that a
served page is byte for byte the page a fresh render gives.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from webapp.web.headers import csp_nonce

# Random per process, so no content (which is escaped, and written before the process
# started) can contain them.
_TOKEN_MARK = f"\x1ecsrf-{secrets.token_hex(8)}\x1e"
_NONCE_MARK = f"\x1enonce-{secrets.token_hex(8)}\x1e"


class RenderedPages:
    """A bounded, thread-safe least-recently-used store of page templates."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: str) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def rendered_pages() -> RenderedPages | None:
    size = current_app.config.get("PAGE_CACHE_SIZE", 0)
    if not size:
        return None
    store = current_app.extensions.get("rendered_pages")
    if store is None:
        store = current_app.extensions.setdefault("rendered_pages", RenderedPages(size))
    return store


def render_once(key: tuple, render: Callable[[], str]) -> str:
    """The page for ``key`` with this request's CSRF token and nonce: from the store when an
    identical page was rendered before, else from ``render()`` (then stored).

    ``key`` must name everything the page shows; the request's path, script root, endpoint and
    language are added here."""
    token, nonce = generate_csrf(), csp_nonce()
    store = rendered_pages()
    if store is None:
        return render()
    full_key = (*key, request.script_root, request.full_path, request.endpoint, str(get_locale()))
    stored = store.get(full_key)
    if stored is not None:
        return stored.replace(_TOKEN_MARK, token).replace(_NONCE_MARK, nonce)
    page = render()
    store.put(full_key, page.replace(token, _TOKEN_MARK).replace(nonce, _NONCE_MARK))
    return page
