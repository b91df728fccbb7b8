"""Administration: staff accounts and teams. Admins do not read case data here."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from webapp.extensions import db
from webapp.records import User
from webapp.security import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@role_required("admin")
def users():
    accounts = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=accounts)
