"""Sign in and sign out for staff."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, logout_user
from sqlalchemy import func, select

from webapp.audit import record_event
from webapp.extensions import db, limiter
from webapp.forms import ConfirmForm, SignInForm
from webapp.records import User, new_session_token
from webapp.security import check_password, public, role_required, start_session

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if check_password(user, form.password.data) and user.active:
            start_session(user)
            record_event("auth.signed_in", commit=True)
            return redirect(url_for("pages.index"))
        record_event("auth.sign_in_failed", outcome="denied")
        form.email.errors = list(form.email.errors) + ["Enter a correct email address and password"]
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@role_required("intake", "clinician", "admin")
def sign_out():
    ConfirmForm()  # CSRF is checked by CSRFProtect before we get here.
    # A new token ends this session everywhere: a replayed cookie no longer matches.
    current_user.session_token = new_session_token()
    record_event("auth.signed_out")
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.sign_in"))
