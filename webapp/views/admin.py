"""Administration: staff accounts, and the audit trail ("who saw case X between t1 and t2").
Admins see who did what to a case, never the case's answers."""

from __future__ import annotations

import csv
import io
import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from models.safe_csv import safe_row
from webapp.access import accounts
from webapp.access.accounts import all_users, locked_anywhere, switch_access, unlock, user_by_id
from webapp.access.audit import record_event
from webapp.access.security import role_required
from webapp.forms.accounts import AccountForm, StaffInviteForm
from webapp.forms.staff import ConfirmForm, choices
from webapp.services.audit_trail import audit_events
from webapp.services.cases import case_by_id, case_number
from webapp.services.data_protection import erase_case, subject_record
from webapp.services.staff_invitations import (
    SetUpLink,
    invite_staff,
    newest_invite_email,
    send_new_set_up_link,
)
from webapp.storage.clock import utcnow
from webapp.web.documents import render_pdf

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE_SIZE = 200


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search form (GET): it changes nothing

    case = StringField(
        "Case reference",
        widget=GovTextInput(),
        description="For example, C000123.",
        validators=[
            Optional(),
            Regexp(r"^[Cc]?\d{1,9}$", message="Enter a case reference like C000123"),
        ],
    )
    date_from = DateField(
        "From (YYYY-MM-DD)", widget=GovTextInput(), validators=[Optional()], format="%Y-%m-%d"
    )
    date_to = DateField(
        "To (YYYY-MM-DD)", widget=GovTextInput(), validators=[Optional()], format="%Y-%m-%d"
    )
    submit = SubmitField("Search", widget=GovSubmitInput())


CASE_REFERENCE = Regexp(r"^[Cc]?\d{1,9}$", message="Enter a case reference like C000123")


class SubjectAccessForm(FlaskForm):
    case = StringField(
        "Case reference",
        widget=GovTextInput(),
        description="For example, C000123.",
        validators=[InputRequired("Enter a case reference"), CASE_REFERENCE],
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        description="For example, the request number. Do not include names.",
        validators=[InputRequired("Enter the reason"), Length(max=200)],
    )
    action = RadioField(
        "What do you want to do?",
        widget=GovRadioInput(),
        choices=choices(
            (
                ("json", "Export as data (JSON)"),
                ("pdf", "Export as a readable document (PDF)"),
                ("erase", "Erase this record: it was made by mistake"),
            )
        ),
        validators=[InputRequired("Select what you want to do")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


@bp.route("/subject-access", methods=["GET", "POST"])
@role_required("admin")
def subject_access():
    """The one audited way an admin reads a parent's data: export it, or erase a mistake."""
    form = SubjectAccessForm()
    if form.validate_on_submit():
        case = case_by_id(case_number(form.case.data))
        if case is None:
            form.case.errors = ["There is no case with that reference"]
        elif form.action.data == "erase":
            erase_case(case, form.reason.data)
            flash(f"Case {case.reference} and everything under it has been erased.", "success")
            return redirect(url_for("admin.subject_access"))
        else:
            record = subject_record(case)
            download = f"subject-access-{case.reference}"
            record_event(
                "subject_access.exported",
                case_id=case.id,
                detail=f"{form.action.data}: {form.reason.data.strip()[:200]}",
                commit=True,
            )
            if form.action.data == "pdf":
                return render_pdf(
                    "documents/subject_access.html",
                    filename=f"subject-access-{case.reference}.pdf",
                    record=record,
                    produced=utcnow().strftime("%-d %B %Y"),
                )
            return Response(
                json.dumps(record, indent=2, ensure_ascii=False),
                mimetype="application/json",
                headers={"Content-Disposition": f'attachment; filename="{download}.json"'},
            )
    return render_template("admin/subject_access.html", form=form)


@bp.route("/users/<int:user_id>/access", methods=["POST"])
@role_required("admin")
def set_access(user_id: int):
    """Disable or enable a staff account. Disabling ends its sessions at once (a new session
    token, and disabled users are refused on every request)."""
    user = user_by_id(user_id)
    if user is None:
        abort(404)
    if ConfirmForm().validate_on_submit() and user.id != current_user.id:
        switch_access(user)
        flash(f"{user.name} is now {'able' if user.active else 'unable'} to sign in.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@role_required("admin")
def unlock_user(user_id: int):
    """Let a locked-out account try to sign in again at once, from everywhere (audited)."""
    user = user_by_id(user_id)
    if user is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        unlock(user)
        flash(f"{user.name} can try to sign in again.")
    return redirect(url_for("admin.users"))


@bp.route("/users")
@role_required("admin")
def users():
    accounts = all_users()
    locked = {user.id for user in accounts if locked_anywhere(user)}
    return render_template("admin/users.html", users=accounts, locked=locked)


def _events(form: AuditFilterForm, limit: int | None = None):
    return audit_events(
        case_id=case_number(form.case.data) if form.case.data else None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        limit=limit,
    )


@bp.route("/audit")
@role_required("admin")
def audit():
    form = AuditFilterForm(request.args)
    events = []
    if form.validate():
        events = _events(form, AUDIT_PAGE_SIZE)
    record_event("audit.viewed", detail=request.query_string.decode()[:200], commit=True)
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        page_size=AUDIT_PAGE_SIZE,
        query=request.query_string.decode(),
    )


@bp.route("/audit.csv")
@role_required("admin")
def audit_csv():
    form = AuditFilterForm(request.args)
    if not form.validate():
        return render_template(
            "admin/audit.html", form=form, events=[], page_size=AUDIT_PAGE_SIZE, query=""
        ), 400
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "user", "role", "action", "case", "outcome", "detail", "times"])
    for event, email in _events(form):
        writer.writerow(
            safe_row(
                [
                    event.at.isoformat(timespec="seconds"),
                    email or "",
                    event.role or "",
                    event.action,
                    f"C{event.case_id:06d}" if event.case_id else "",
                    event.outcome,
                    event.detail or "",
                    event.times,
                ]
            )
        )
    record_event("audit.exported", detail=request.query_string.decode()[:200], commit=True)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )


@bp.route("/users/invite", methods=["GET", "POST"])
@role_required("admin")
def invite_user():
    """A new staff account: its set-up link emailed to them, or (Notify not set up) shown once
    on the next page."""
    form = StaffInviteForm()
    form.set_teams(accounts.all_teams())
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if accounts.user_by_email(email) is not None:
            form.email.errors = ["There is already an account with that email address"]
        else:
            invited = invite_staff(
                form.name.data.strip(), email, form.role.data, form.team_id(), current_user
            )
            return _set_up_link_page(invited)
    return render_template("admin/invite.html", form=form)


@bp.route("/users/<int:user_id>/set-up-link", methods=["POST"])
@role_required("admin")
def new_set_up_link(user_id: int):
    """A new set-up link for an account not yet set up; the old link stops working."""
    user = user_by_id(user_id)
    if user is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.account", user_id=user.id))
    if not user.active or not accounts.waiting_for_set_up(user):
        flash(f"{user.name}'s account needs no set-up link: it is set up or disabled.", "info")
        return redirect(url_for("admin.account", user_id=user.id))
    return _set_up_link_page(send_new_set_up_link(user, current_user))


def _set_up_link_page(sent: SetUpLink):
    if sent.emailed:
        flash(f"We have emailed a set-up link to {sent.user.email}.", "success")
        return redirect(url_for("admin.account", user_id=sent.user.id))
    response = Response(render_template("admin/invited.html", user=sent.user, link=sent.link))
    response.headers["Cache-Control"] = "no-store"  # the link is shown this once
    return response


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def account(user_id: int):
    """One account: change its role or team; disable, enable or reset its second factor."""
    user = user_by_id(user_id)
    if user is None:
        abort(404)
    form = AccountForm(
        data={"role": user.role, "team": str(user.team_id) if user.team_id else ""}
        if request.method == "GET"
        else None
    )
    form.set_teams(accounts.all_teams())
    if user.id == current_user.id and request.method == "POST":
        form.role.errors = ["You cannot change your own role or team: ask another admin"]
    elif form.validate_on_submit():
        if accounts.change_account(user, form.role.data, form.team_id()):
            flash(f"{user.name}'s role and team are saved.", "success")
        return redirect(url_for("admin.account", user_id=user.id))
    return render_template(
        "admin/account.html",
        form=form,
        user=user,
        locked=locked_anywhere(user),
        waiting_for_set_up=accounts.waiting_for_set_up(user),
        invite_email=newest_invite_email(user),
    )


@bp.route("/users/<int:user_id>/second-factor", methods=["POST"])
@role_required("admin")
def reset_second_factor(user_id: int):
    """Forget the account's authenticator app (a lost phone): it sets up a new one next time."""
    user = user_by_id(user_id)
    if user is None:
        abort(404)
    if ConfirmForm().validate_on_submit() and user.id != current_user.id:
        accounts.reset_second_factor(user)
        flash(f"{user.name} will set up a new authenticator app when they next sign in.", "success")
    return redirect(url_for("admin.account", user_id=user.id))
