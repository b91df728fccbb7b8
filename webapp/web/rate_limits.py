"""Flask-Limiter, checked only where a limit can apply.

Every limit this service sets is on its view: sign-in, the council's sign-in callback, a staff
set-up link and a parent's link. Flask-Limiter still works through its whole resolution on
every other request, to find nothing: 6-8% of a parent's question page or answer save
(bench/RESULTS.md). This limiter skips that work on the views no limit names, and checks
everything, as Flask-Limiter does, once any limit is set beyond a view (a default, application
or blueprint limit, in code or config)."""

from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name


class ViewLimiter(Limiter):
    def limited_endpoints(self) -> frozenset[str] | None:
        """The endpoints with a limit of their own, or None when a limit set beyond the views
        could apply to any of them. Worked out once per app: Flask allows no new views after
        the first request."""
        found = current_app.extensions.get("limited_endpoints", False)
        if found is False:
            found = self._work_out_limited_endpoints()
            current_app.extensions["limited_endpoints"] = found
        return found

    def _work_out_limited_endpoints(self) -> frozenset[str] | None:
        manager = self.limit_manager
        if (
            manager.default_limits
            or manager.application_limits
            or self._meta_limits
            or any(manager.blueprint_limits(current_app, name) for name in current_app.blueprints)
        ):
            return None
        return frozenset(
            endpoint
            for endpoint, view in current_app.view_functions.items()
            if get_qualified_name(view) in self._marked_for_limiting or manager.has_hints(endpoint)
        )

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        limited = self.limited_endpoints()
        if in_middleware and limited is not None and request.endpoint not in limited:
            return
        super()._check_request_limit(callable_name, in_middleware)
