"""Intake workers: meetings with the parent, booked with what the plan asks for them, and the
tasks the plan gives the worker (on their task list and on the case)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from screening import builtin_content
from webapp.access.audit import record_event
from webapp.access.security import case_for_team, role_required
from webapp.forms.meetings import MeetingForm
from webapp.services.errors import WorkflowError
from webapp.services.meetings import (
    FORMAT_LABELS,
    WAY_LABELS,
    MeetingDetails,
    book_meeting,
    local_today,
    meeting_messages,
    meeting_of_case,
    meeting_tasks,
    plan_adjustments,
)

bp = Blueprint("meetings", __name__, url_prefix="/cases")
intake_only = role_required("intake")


@bp.route("/<int:case_id>/meetings/new", methods=["GET", "POST"])
@intake_only
def new_meeting(case_id: int):
    case = case_for_team(case_id)
    form = MeetingForm(today=local_today())
    if form.validate_on_submit():
        details = MeetingDetails(
            day=form.day.data,
            at=form.start_time,
            way=form.way.data,
            place=form.place.data or "",
            attendees=form.attendees.data,
            purpose=form.purpose.data,
        )
        try:
            meeting = book_meeting(case, current_user, details)
        except WorkflowError as exc:
            form.start.errors = [str(exc)]
        else:
            flash("Meeting booked. Its reminders and tasks are below.", "success")
            return redirect(url_for("meetings.meeting", case_id=case.id, meeting_id=meeting.id))
    catalogue = builtin_content().adjustments
    adjustments = [catalogue[a] for a in plan_adjustments(case) if a in catalogue]
    return render_template(
        "meetings/new_meeting.html", case=case, form=form, adjustments=adjustments
    )


@bp.route("/<int:case_id>/meetings/<int:meeting_id>")
@intake_only
def meeting(case_id: int, meeting_id: int):
    case = case_for_team(case_id)
    try:
        found = meeting_of_case(case, meeting_id)
    except LookupError:
        abort(404)
    record_event("meeting.viewed", case_id=case.id, detail=f"meeting {found.id}", commit=True)
    return render_template(
        "meetings/meeting.html",
        case=case,
        meeting=found,
        messages=meeting_messages(found),
        tasks=meeting_tasks(found),
        way_labels=WAY_LABELS,
        format_labels=FORMAT_LABELS,
        today=local_today(),
    )
