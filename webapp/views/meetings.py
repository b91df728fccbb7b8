"""Intake workers: meetings with the parent, booked with what the plan asks for them, and the
tasks the plan gives the worker (on their task list and on the case)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from screening import builtin_content
from webapp.access.audit import record_event
from webapp.access.security import case_for_team, closed_case_guard, role_required
from webapp.forms.meetings import CloseTaskForm, MeetingForm, OutsideContactForm
from webapp.services.contacts import (
    OUTSIDE_KINDS,
    PlanNotFollowed,
    case_contacts,
    record_outside_contact,
)
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
from webapp.services.plan_review_answers import review_progress_of_tasks
from webapp.services.tasks import close_task, is_overdue, task_of_case, worker_tasks

bp = Blueprint("meetings", __name__)
intake_only = role_required("intake")
# A closed case's meetings and contact log can be read; nothing on it can be booked, recorded
# or closed until it is reopened (the same rule as the case's other pages).
bp.before_request(
    closed_case_guard(read_only={"meetings.meeting", "meetings.contacts"}, back="intake.case")
)


@bp.route("/cases/<int:case_id>/meetings/new", methods=["GET", "POST"])
@intake_only
def new_meeting(case_id: int):
    case = case_for_team(case_id)
    form = MeetingForm(today=local_today())
    problems: list[str] = []
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
            meeting = book_meeting(case, current_user, details, form.reason.data)
        except PlanNotFollowed as exc:
            problems = exc.problems
            form.reason.errors = ["Enter why you go ahead without following the plan"]
        except WorkflowError as exc:
            form.start.errors = [str(exc)]
        else:
            flash("Meeting booked. Its reminders and tasks are below.", "success")
            return redirect(url_for("meetings.meeting", case_id=case.id, meeting_id=meeting.id))
    catalogue = builtin_content().adjustments
    adjustments = [catalogue[a] for a in plan_adjustments(case) if a in catalogue]
    return render_template(
        "meetings/new_meeting.html",
        case=case,
        form=form,
        adjustments=adjustments,
        plan_problems=problems,
    )


@bp.route("/cases/<int:case_id>/meetings/<int:meeting_id>")
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


@bp.app_context_processor
def _task_helpers() -> dict:
    """Whether a task is overdue, for every page that lists tasks (the case page too)."""
    return {"task_overdue": lambda task: is_overdue(task, local_today())}


@bp.route("/tasks")
@intake_only
def tasks():
    """The worker's open tasks, soonest due first, overdue ones tagged."""
    record_event("tasks.viewed", commit=True)
    found = worker_tasks(current_user)
    return render_template(
        "meetings/tasks.html", tasks=found, review_progress=review_progress_of_tasks(found)
    )


@bp.route("/cases/<int:case_id>/tasks/<int:task_id>/close", methods=["GET", "POST"])
@intake_only
def close(case_id: int, task_id: int):
    case = case_for_team(case_id)
    try:
        task = task_of_case(case, task_id)
    except LookupError:
        abort(404)
    form = CloseTaskForm()
    if task.done_at is None and form.validate_on_submit():
        try:
            close_task(task, current_user, form.outcome.data, form.note.data)
        except WorkflowError as exc:
            form.note.errors = [str(exc)]
        else:
            flash("Task saved.", "success")
            return redirect(url_for("intake.case", case_id=case.id) + "#tasks")
    return render_template(
        "meetings/close_task.html",
        case=case,
        task=task,
        form=form,
        review_progress=review_progress_of_tasks([task]),
    )


@bp.route("/cases/<int:case_id>/contacts", methods=["GET", "POST"])
@intake_only
def contacts(case_id: int):
    """The case's contact log, and recording a contact made outside the service: checked
    against the plan first, recorded when it follows or the worker gives a reason."""
    case = case_for_team(case_id)
    form = OutsideContactForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            record_outside_contact(
                case,
                current_user,
                form.kind.data,
                form.format.data,
                form.note.data,
                form.reason.data,
            )
        except PlanNotFollowed as exc:
            problems = exc.problems
            form.reason.errors = ["Enter why you go ahead without following the plan"]
        else:
            flash("Contact recorded.", "success")
            return redirect(url_for("meetings.contacts", case_id=case.id))
    record_event("contacts.viewed", case_id=case.id, commit=True)
    return render_template(
        "meetings/contacts.html",
        case=case,
        form=form,
        contacts=case_contacts(case),
        plan_problems=problems,
        kind_labels=OUTSIDE_KINDS,
    )
