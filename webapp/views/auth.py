"""Signing in and out for staff: a password, or the council's own sign-in (OpenID Connect),
then a code from an authenticator app unless the council's sign-in already asked for a second
factor."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from webapp.access import accounts, council, council_accounts, two_factor
from webapp.access.audit import record_event
from webapp.access.security import check_password, public, role_required, start_session
from webapp.extensions import limiter
from webapp.forms.accounts import ChoosePasswordForm
from webapp.forms.staff import CodeForm, ConfirmForm, SetUpForm, SignInForm

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    form = SignInForm()
    if request.method == "POST" and not council.password_sign_in_allowed():
        record_event("auth.password_sign_in_refused", outcome="denied", detail="LOCAL_SIGN_IN off")
        abort(403)
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = accounts.user_by_email(email)
        if accounts.locked_out(email, request.remote_addr):
            record_event("auth.locked_out", outcome="denied", user_id=user.id if user else None)
            form.email.errors = ["Too many tries. Wait 15 minutes, then try again"]
        elif check_password(user, form.password.data) and user.active:
            two_factor.begin(user)
            accounts.save()
            if user.totp_secret:
                return redirect(url_for("auth.enter_code"))
            return redirect(url_for("auth.set_up_code"))
        else:
            accounts.record_failure("auth.sign_in_failed", email, user)
            form.email.errors = [*form.email.errors, "Enter a correct email address and password"]
    return _sign_in_page(form)


def _sign_in_page(form: SignInForm | None = None, status: int = 200):
    return render_template(
        "auth/sign_in.html",
        form=form or SignInForm(),
        council=council.enabled(),
        local=council.password_sign_in_allowed(),
    ), status


COUNCIL_FAILED = "Signing in with your council account did not work. Try again"
COUNCIL_REFUSED = (
    "Your council account cannot sign in to this service. Ask your manager or an admin"
)


@bp.route("/sign-in/council")
@public
def council_start():
    """Off to the council's sign-in page (a link, not a form: the page's CSP allows forms to
    post only here, and a GET that starts a sign-in changes nothing)."""
    if not council.enabled():
        abort(404)
    try:
        return council.start()
    except council.CouncilSignInFailed as error:
        record_event("auth.council_failed", outcome="denied", detail=str(error))
        flash(COUNCIL_FAILED, "error")
        return _sign_in_page(status=503)


@bp.route("/sign-in/council/callback")
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"])
@public
def council_callback():
    """Back from the council: the token checked, the account found or made, then our second
    factor unless the provider's amr says it did one."""
    if not council.enabled():
        abort(404)
    try:
        claims = council.finish()
        user = council_accounts.account_for(claims)
    except council.CouncilSignInFailed as error:
        record_event("auth.council_failed", outcome="denied", detail=str(error))
        flash(COUNCIL_FAILED, "error")
        return _sign_in_page(status=400)
    except council_accounts.CouncilRefused as refusal:
        user_id = refusal.user.id if refusal.user else None
        record_event(
            "auth.council_refused", outcome="denied", user_id=user_id, detail=refusal.reason
        )
        flash(COUNCIL_REFUSED, "error")
        return _sign_in_page(status=403)
    if council_accounts.multi_factor_done(claims):
        start_session(user)
        record_event("auth.signed_in", detail="council sign-in with its multi-factor", commit=True)
        return redirect(url_for("pages.index"))
    two_factor.begin(user)
    accounts.save()
    return redirect(url_for("auth.enter_code" if user.totp_secret else "auth.set_up_code"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def enter_code():
    """Second step: the code from the app (or a recovery code)."""
    user = two_factor.pending_user()
    if user is None or not user.totp_secret:
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.locked_out(user.email.lower(), request.remote_addr):
            record_event("auth.locked_out", outcome="denied", user_id=user.id)
            form.code.errors = ["Too many tries. Wait 15 minutes, then try again"]
        else:
            method = two_factor.verify(user, form.code.data)
            if method:
                start_session(user)
                record_event("auth.signed_in", detail=method, commit=True)
                return redirect(url_for("pages.index"))
            accounts.record_failure("auth.code_failed", user.email.lower(), user)
            form.code.errors = ["The code is not right. Check your app and try again"]
    return render_template("auth/code.html", form=form)


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@public
def set_up_code():
    """First sign-in: link an authenticator app, then keep the recovery codes."""
    user = two_factor.pending_user()
    if user is None or user.totp_secret:
        return redirect(url_for("auth.sign_in"))
    form = SetUpForm()
    if request.method == "POST" and form.skip.data and two_factor.demo_may_skip(user):
        # CSRFProtect has already checked the token of every POST before this view runs.
        start_session(user)
        record_event("auth.signed_in", detail="demo: second factor skipped", commit=True)
        return redirect(url_for("pages.index"))
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes:
            start_session(user)
            record_event("auth.second_factor_set_up", commit=True)
            return render_template("auth/recovery_codes.html", codes=codes)
        accounts.record_failure("auth.code_failed", user.email.lower(), user)
        form.code.errors = ["The code is not right. Check your app and try again"]
    secret = two_factor.new_secret()
    return render_template(
        "auth/set_up.html",
        form=form,
        secret=secret,
        qr=two_factor.qr_svg(user, secret),
        may_skip=two_factor.demo_may_skip(user),
    )


@bp.route("/sign-out", methods=["POST"])
@role_required("intake", "clinician", "admin")
def sign_out():
    ConfirmForm()  # CSRF is checked by CSRFProtect before we get here.
    accounts.end_sessions(current_user, "auth.signed_out")
    logout_user()
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/set-up/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"])
@public
def set_up_account(token: str):
    """An invitee's one-time link: choose a password, then set up the second factor."""
    user = accounts.user_by_set_up_token(token)
    if user is None:
        record_event("auth.bad_set_up_link", outcome="denied")
        return render_template("auth/set_up_link_problem.html"), 404
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        accounts.finish_set_up(user, form.password.data)
        two_factor.begin(user)
        accounts.save()
        return redirect(url_for("auth.set_up_code"))
    return render_template("auth/set_up_account.html", form=form, user=user, token=token)
