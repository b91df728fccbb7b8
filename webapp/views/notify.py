"""GOV.UK Notify's callbacks: delivery receipts, POSTed with the bearer token set in Notify
(NOTIFY_CALLBACK_TOKEN). Outside services, so JSON in and out, and no session or CSRF."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, jsonify, request

from webapp.access.audit import record_event
from webapp.access.tokens import callback_token_valid
from webapp.services.delivery import BadReceipt, record_receipt

bp = Blueprint("notify", __name__, url_prefix="/notify")


def callback_token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not callback_token_valid(token.strip()):
            record_event("notify.callback_denied", outcome="denied")
            return jsonify(error="Send the callback token: Authorization: Bearer <token>"), 401
        return view(*args, **kwargs)

    wrapped.required_roles = ("notify",)
    return wrapped


@bp.route("/callback", methods=["POST"])
@callback_token_required
def callback():
    """A delivery receipt: 200 when recorded or not ours (Notify need not retry), 400 when it
    is not a receipt."""
    try:
        recorded = record_receipt(request.get_json(silent=True))
    except BadReceipt as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(recorded=recorded), 200
