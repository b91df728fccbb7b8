"""Intake workers: referrals (cases), screening with the parent present, results and the
communication plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from questionnaires import SKIP
from screening import AIS_CATEGORY_NAMES, builtin_content
from webapp.access.audit import record_event
from webapp.access.security import case_for_team, closed_case_guard, role_required
from webapp.forms.answer import answer_form
from webapp.forms.consent import (
    KIND_LABELS,
    METHOD_LABELS,
    SHARING_CHOICE,
    RecordConsentForm,
    WithdrawConsentForm,
)
from webapp.forms.contact import CONTACT_LABELS
from webapp.forms.lifecycle import CLOSE_REASONS, CloseCaseForm, TransferForm
from webapp.forms.numbers import page_number
from webapp.forms.plan_review import review_form
from webapp.forms.staff import (
    AddAdjustmentForm,
    CaseForm,
    CaseSearchForm,
    ConfirmForm,
    ContactForm,
    InviteForm,
    RemoveAdjustmentForm,
    ResendForm,
    StartScreeningForm,
    choices,
)
from webapp.services.cases import (
    FLAG_FILTERS,
    SCOPES,
    STATUS_FILTERS,
    change_contact,
    invitation_of_case,
    open_case,
    response_of_case,
    team_cases,
)
from webapp.services.consent import (
    consent_of_case,
    consent_summary,
    consents_of,
    record_consent,
    start_screening_with_consent,
    withdraw_consent,
)
from webapp.services.contacts import PlanNotFollowed
from webapp.services.errors import WorkflowError
from webapp.services.history import answer_sets, recently_answered
from webapp.services.invitations import (
    create_invitation,
    invitation_link,
    resend_link,
    revoke_invitation,
    send_link,
)
from webapp.services.letters import letter_pdf
from webapp.services.lifecycle import (
    close_case,
    reopen_case,
    transfer_targets,
    transfer_to_team,
    transfer_to_worker,
    waiting_for_a_worker,
)
from webapp.services.meetings import case_meetings
from webapp.services.messages import (
    case_messages,
    letter_of_case,
    link_words,
    queue_plan_copy,
    release_held_letters,
)
from webapp.services.paper import PRINT_SIZES, paper_copy
from webapp.services.plan_review_answers import (
    DID_NOT_HELP_MARK,
    answer_words,
    plan_under_review,
    record_review_answers,
    review_answers_of,
    review_progress_of_tasks,
    review_questions,
)
from webapp.services.plans import (
    add_adjustment,
    agree_plan,
    asked_for,
    editable_plan,
    keep_despite_conflict,
    parent_contact,
    remove_adjustment,
)
from webapp.services.questions import (
    first_unanswered,
    journey_steps,
    next_page,
    pages,
    previous_page,
    questionnaire_for,
    save_answer,
    screening_questionnaires,
)
from webapp.services.results import explanations, latest_results
from webapp.services.scoring import submit_response
from webapp.services.tasks import open_tasks
from webapp.services.timeline import timeline
from webapp.storage.clock import utcnow

if TYPE_CHECKING:
    from webapp.storage.records import Case, Response
from webapp.storage.states import MessageStatus, ResponseStatus
from webapp.web.documents import pdf_response, render_pdf

bp = Blueprint("intake", __name__, url_prefix="/cases")
GO_AHEAD_REASON = "Enter why you go ahead without following the plan"
# What the worker reads after "Send it to the parent", by where the message now stands.
MESSAGE_QUEUED = {
    MessageStatus.QUEUED: "The link is on its way to the parent.",
    MessageStatus.HELD: "The letter waits until you record your phone call to the parent.",
    MessageStatus.TO_COPY: (
        "The service cannot send messages yet. Copy or print the message below for the parent."
    ),
}
PLAN_COPY_QUEUED = {
    MessageStatus.QUEUED: "The parent's copy of the plan is on its way to them by post.",
    MessageStatus.HELD: "The letter waits until you record your phone call to the parent.",
    MessageStatus.TO_COPY: (
        "The service cannot post letters yet. Print the letter below for the parent."
    ),
}
intake_only = role_required("intake")


def questionnaire_choices(available: dict):
    return choices((q.id, q.title) for q in available.values())


def _response_for(case: Case, response_id: int) -> Response:
    response = response_of_case(case, response_id)
    if response is None:
        abort(404)
    return response


CASES_PER_PAGE = 50
WORKER_MESSAGES = {
    "choose": "Select an answer, or I'd rather not say",
    "enter": "Enter an answer, or choose I'd rather not say",
    "not_a_choice": "Select one of the answers shown",
    "too_long": "Answer must be 500 characters or fewer",
    "number": "Enter a number, like 3",
    "decimal": "Enter a number, like 2.5",
    "whole": "Enter a whole number, like 3",
    "between": "Enter a number between %(minimum)s and %(maximum)s",
    "at_least": "Enter a number that is %(minimum)s or more",
    "at_most": "Enter a number that is %(maximum)s or less",
    "bigger": "Enter a bigger number",
    "smaller": "Enter a smaller number",
}
SEARCH_KEY = "case_search"


@bp.route("", methods=["GET", "POST"])
@intake_only
def cases():
    """The team's referrals, those with an open safety alert first, then longest waiting,
    filtered by status and flag."""
    form = CaseSearchForm()
    if form.validate_on_submit():
        session[SEARCH_KEY] = (form.search.data or "").strip()
        return redirect(url_for("intake.cases", **request.args))
    search = session.get(SEARCH_KEY, "")
    form.search.data = search
    status = request.args.get("status", "")
    flag = request.args.get("flag", "")
    scope = request.args.get("scope", "")
    page = request.args.get("page", 1, type=page_number)
    rows, total = team_cases(
        current_user.team_id,
        scope=scope,
        worker_id=current_user.id,
        status=status,
        flag=flag,
        search=search,
        limit=CASES_PER_PAGE,
        offset=(page - 1) * CASES_PER_PAGE,
    )
    return render_template(
        "intake/cases.html",
        cases=rows,
        form=form,
        total=total,
        page=page,
        pages=max(1, -(-total // CASES_PER_PAGE)),
        status=status,
        flag=flag,
        status_filters=STATUS_FILTERS,
        flag_filters=FLAG_FILTERS,
        search=search,
        scope=scope if scope in SCOPES else "team",
        scopes=SCOPES,
        waiting=waiting_for_a_worker(current_user.team_id),
    )


@bp.route("/new", methods=["GET", "POST"])
@intake_only
def new_case():
    form = CaseForm()
    if form.validate_on_submit():
        case = open_case(
            current_user,
            parent_name=form.parent_name.data.strip(),
            previously_diagnosed=form.previously_diagnosed.data or "unknown",
            **form.contact_details(),
            **form.personal_details(),
        )
        return redirect(url_for("intake.case", case_id=case.id))
    return render_template("intake/new_case.html", form=form)


@bp.route("/<int:case_id>")
@intake_only
def case(case_id: int):
    case = case_for_team(case_id)
    record_event("case.viewed", case_id=case.id, commit=True)
    tasks = open_tasks(case)
    return render_template(
        "intake/case.html",
        timeline=timeline(case),
        case=case,
        results=latest_results(case),
        now=utcnow(),
        form=ConfirmForm(),
        messages=case_messages(case),
        tasks=tasks,
        review_progress=review_progress_of_tasks(tasks),
        contact_labels=CONTACT_LABELS,
        close_reasons=CLOSE_REASONS,
        history=answer_sets(case),
        meetings=case_meetings(case),
        consent=consent_summary(case),
    )


@bp.route("/<int:case_id>/contact", methods=["GET", "POST"])
@intake_only
def edit_contact(case_id: int):
    """Correct the parent's contact details; a changed contact method or language proposes
    a new draft plan, since the plan is made from them."""
    case = case_for_team(case_id)
    form = ContactForm(obj=case)
    if form.validate_on_submit():
        if change_contact(case, {**form.contact_details(), **form.personal_details()}):
            flash("Contact details saved. Check and agree the new draft plan.", "success")
        else:
            flash("Contact details saved.", "success")
        return redirect(url_for("intake.case", case_id=case.id))
    return render_template("intake/edit_contact.html", case=case, form=form)


@bp.route("/<int:case_id>/screenings/new", methods=["GET", "POST"])
@intake_only
def start_screening(case_id: int):
    case = case_for_team(case_id)
    available = {q.id: q for q in screening_questionnaires()}
    form = StartScreeningForm()
    form.questionnaire.choices = questionnaire_choices(available)
    if form.validate_on_submit():
        response = start_screening_with_consent(
            case,
            available[form.questionnaire.data],
            form.mode.data,
            current_user,
            form.consent.data,
        )
        first = pages(questionnaire_for(response), {})[0]
        return redirect(
            url_for("intake.question", case_id=case.id, response_id=response.id, item_id=first.id)
        )
    return render_template(
        "intake/start_screening.html", case=case, form=form, questionnaires=available.values()
    )


@bp.route("/<int:case_id>/screenings/paper/<questionnaire_id>.pdf")
@intake_only
def paper_pdf(case_id: int, questionnaire_id: str):
    """A questionnaire to print for the parent to fill in by hand (easy read; ?print=large
    for large print). The worker records the answers with the paper mode."""
    case = case_for_team(case_id)
    available = {q.id: q for q in screening_questionnaires()}
    size = request.args.get("print", "standard")
    if questionnaire_id not in available or size not in PRINT_SIZES:
        abort(404)
    questionnaire = available[questionnaire_id]
    record_event(
        "paper.printed", case_id=case.id, detail=f"{questionnaire.key} {size}", commit=True
    )
    return render_pdf(
        "documents/paper_questionnaire.html",
        filename=f"{questionnaire.id}-{case.reference}-{size}.pdf",
        case=case,
        questionnaire=questionnaire,
        sections=paper_copy(questionnaire),
        font_size=PRINT_SIZES[size],
    )


@bp.route(
    "/<int:case_id>/screenings/<int:response_id>/questions/<item_id>", methods=["GET", "POST"]
)
@intake_only
def question(case_id: int, response_id: int, item_id: str):
    case = case_for_team(case_id)
    response = _response_for(case, response_id)
    if response.status != ResponseStatus.DRAFT:
        return redirect(url_for("intake.result", case_id=case.id, response_id=response.id))
    questionnaire = questionnaire_for(response)
    answers = response.answer_map
    steps = journey_steps([(questionnaire, answers)])
    step = next((s for s in steps if s.item.id == item_id), None)
    if step is None:
        abort(404)
    item = step.item
    form = answer_form(item, skip_label="I'd rather not say", messages=WORKER_MESSAGES)
    if request.method == "GET" and item.id in answers and answers[item.id] != SKIP:
        form.answer.data = answers[item.id]
    if form.validate_on_submit():
        save_answer(response, item.id, form.answer_value())
        answers = response.answer_map
        following = next_page(questionnaire, answers, item.id)
        if following is None or request.args.get("change"):
            return redirect(
                url_for("intake.check_answers", case_id=case.id, response_id=response.id)
            )
        return redirect(
            url_for(
                "intake.question", case_id=case.id, response_id=response.id, item_id=following.id
            )
        )
    previous = previous_page(questionnaire, answers, item.id)
    back = (
        url_for("intake.question", case_id=case.id, response_id=response.id, item_id=previous.id)
        if previous
        else url_for("intake.case", case_id=case.id)
    )
    return render_template(
        "intake/question.html",
        case=case,
        response=response,
        item=item,
        step=step,
        form=form,
        questionnaire=questionnaire,
        back=back,
    )


@bp.route("/<int:case_id>/screenings/<int:response_id>/check", methods=["GET", "POST"])
@intake_only
def check_answers(case_id: int, response_id: int):
    case = case_for_team(case_id)
    response = _response_for(case, response_id)
    if response.status != ResponseStatus.DRAFT:
        return redirect(url_for("intake.result", case_id=case.id, response_id=response.id))
    questionnaire = questionnaire_for(response)
    answers = response.answer_map
    missing = first_unanswered(questionnaire, answers)
    form = ConfirmForm()
    if form.validate_on_submit():
        if missing is None:
            submit_response(response, current_user)
            return redirect(url_for("intake.result", case_id=case.id, response_id=response.id))
        flash("Answer every question first. You can choose I'd rather not say.", "error")
    record_event("answers.viewed", case_id=case.id, commit=True)
    return render_template(
        "intake/check.html",
        case=case,
        response=response,
        questionnaire=questionnaire,
        asked=pages(questionnaire, answers),
        answers=answers,
        missing=missing,
        form=form,
    )


@bp.route("/<int:case_id>/screenings/<int:response_id>/result")
@intake_only
def result(case_id: int, response_id: int):
    case = case_for_team(case_id)
    response = _response_for(case, response_id)
    if response.status != ResponseStatus.SUBMITTED:
        return redirect(url_for("intake.check_answers", case_id=case.id, response_id=response.id))
    record_event("result.viewed", case_id=case.id, commit=True)
    questionnaire = questionnaire_for(response)
    return render_template(
        "intake/result.html",
        case=case,
        response=response,
        questionnaire=questionnaire,
        domains=builtin_content().domains,
        asked=asked_for(questionnaire, response.answer_map),
        explained=explanations(response),
    )


@bp.route("/<int:case_id>/plan")
@intake_only
def plan(case_id: int):
    case = case_for_team(case_id)
    plan = case.draft_plan or case.agreed_plan
    record_event("plan.viewed", case_id=case.id, commit=True)
    return render_template(
        "intake/plan.html",
        case=case,
        plan=plan,
        form=ConfirmForm(),
        ais_names=AIS_CATEGORY_NAMES,
        # The parent's answers at the agreed version's review, shown on a newer draft too.
        review_answers=review_answers_of(case.agreed_plan),
        answer_words=answer_words(),
        did_not_help_mark=DID_NOT_HELP_MARK,
    )


@bp.route("/<int:case_id>/plan/review", methods=["GET", "POST"])
@intake_only
def plan_review(case_id: int):
    """Review the agreed plan with the parent: their answer to whether each adjustment helped,
    recorded by the worker with them (on the phone or in person)."""
    case = case_for_team(case_id)
    try:
        plan = plan_under_review(case)
    except WorkflowError as exc:
        flash(str(exc), "error")
        return redirect(url_for("intake.plan", case_id=case.id))
    questions = review_questions(plan)
    form = review_form(
        [(q.adjustment_id, q.question) for q in questions],
        answer_words(),
        # The answers so far, to change; a post stands on its own (the version it was made for).
        data=None
        if request.method == "POST"
        else {
            "plan_version": str(plan.version),
            **{f"answer-{q.adjustment_id}": q.answer.answer for q in questions if q.answer},
            **{f"note-{q.adjustment_id}": q.answer.note for q in questions if q.answer},
        },
    )
    if form.validate_on_submit():
        try:
            stored = record_review_answers(
                case,
                int(form.plan_version.data),
                current_user,
                form.answers(request.form),
                form.notes(),
            )
        except WorkflowError as exc:
            first = form.questions()[0][0] if form.questions() else form.plan_version
            first.errors = [str(exc)]
        else:
            flash(
                f"{stored} answer{'s' if stored != 1 else ''} saved. Agree a new plan version "
                "if anything should change, or keep this one.",
                "success",
            )
            return redirect(url_for("intake.plan", case_id=case.id))
    else:
        record_event("plan_review.viewed", case_id=case.id, commit=True)
    return render_template(
        "intake/plan_review.html",
        case=case,
        plan=plan,
        form=form,
        questions=list(zip(questions, form.questions(), strict=True)),
        did_not_help_mark=DID_NOT_HELP_MARK,
    )


@bp.route("/<int:case_id>/plan/items/<int:item_id>/remove", methods=["GET", "POST"])
@intake_only
def remove_plan_item(case_id: int, item_id: int):
    case = case_for_team(case_id)
    plan = editable_plan(case)
    item = next((i for i in plan.items if i.id == item_id and not i.removed), None)
    if item is None:
        # The agreed version was copied to a new draft: find the same adjustment there.
        abort(404)
    form = RemoveAdjustmentForm()
    if form.validate_on_submit():
        remove_adjustment(plan, item.id, form.reason.data)
        return redirect(url_for("intake.plan", case_id=case.id))
    return render_template("intake/remove_adjustment.html", case=case, item=item, form=form)


@bp.route("/<int:case_id>/plan/add", methods=["GET", "POST"])
@intake_only
def add_plan_item(case_id: int):
    case = case_for_team(case_id)
    plan = editable_plan(case)
    present = {i.adjustment_id for i in plan.active_items}
    catalogue = builtin_content().adjustments
    form = AddAdjustmentForm()
    form.adjustment.choices = choices(
        (a.id, a.title) for a in catalogue.values() if a.id not in present
    )
    if form.validate_on_submit():
        try:
            add_adjustment(plan, form.adjustment.data, form.reason.data)
        except WorkflowError as exc:
            form.adjustment.errors = [str(exc)]
        else:
            return redirect(url_for("intake.plan", case_id=case.id))
    return render_template("intake/add_adjustment.html", case=case, form=form)


@bp.route("/<int:case_id>/plan/agree", methods=["POST"])
@intake_only
def agree(case_id: int):
    case = case_for_team(case_id)
    form = ConfirmForm()
    plan = case.draft_plan
    if form.validate_on_submit() and plan is not None:
        try:
            agree_plan(plan, current_user)
        except WorkflowError as exc:
            flash(str(exc), "error")
        else:
            flash(
                f"Plan version {plan.version} agreed. It now shows on every page of this case.",
                "success",
            )
    return redirect(url_for("intake.plan", case_id=case.id))


@bp.route("/<int:case_id>/plan/items/<int:item_id>/keep", methods=["POST"])
@intake_only
def keep_plan_item(case_id: int, item_id: int):
    """Keep an adjustment the parent said no to, having checked with them (or decided)."""
    case = case_for_team(case_id)
    plan = case.draft_plan
    form = ConfirmForm()
    if form.validate_on_submit() and plan is not None:
        try:
            keep_despite_conflict(plan, item_id)
        except WorkflowError as exc:
            flash(str(exc), "error")
    return redirect(url_for("intake.plan", case_id=case.id))


@bp.route("/<int:case_id>/invitations/new", methods=["GET", "POST"])
@intake_only
def invite(case_id: int):
    """Make a private link for the parent. The link is shown once: only its hash is kept."""
    case = case_for_team(case_id)
    available = {q.id: q for q in screening_questionnaires()}
    form = InviteForm()
    form.questionnaires.choices = questionnaire_choices(available)
    # Answered lately: not ticked, so the parent is not asked again (the worker still can).
    recent = recently_answered(case, utcnow(), current_app.config["RECENTLY_ANSWERED_DAYS"])
    if request.method == "GET":  # a short default set, ticked: the worker can add more
        form.questionnaires.data = [
            qid
            for qid in current_app.config["DEFAULT_QUESTIONNAIRES"]
            if qid in available and qid not in recent
        ]
    problems: list[str] = []
    if form.validate_on_submit():
        chosen = [available[qid] for qid in form.questionnaires.data]
        if form.send.data:
            try:
                _invitation, _token, message = send_link(
                    case, chosen, current_user, form.reason.data
                )
            except PlanNotFollowed as exc:
                problems = exc.problems
                form.reason.errors = [GO_AHEAD_REASON]
            except WorkflowError as exc:
                form.questionnaires.errors = [str(exc)]
            else:
                flash(MESSAGE_QUEUED[message.status])
                return redirect(url_for("intake.case", case_id=case.id, _anchor="messages"))
        else:
            invitation, token = create_invitation(case, chosen, current_user)
            link = invitation_link(token)
            return render_template(
                "intake/invitation_link.html",
                case=case,
                link=link,
                words=link_words(invitation, link, current_user),
            )
    return render_template(
        "intake/invite.html",
        case=case,
        form=form,
        recent={available[qid].title: at for qid, at in recent.items() if qid in available},
        plan_problems=problems,
    )


@bp.route("/<int:case_id>/invitations/<int:invitation_id>/resend", methods=["POST"])
@intake_only
def resend(case_id: int, invitation_id: int):
    """Send the parent a fresh copy of their link (the old one stops working). A message off
    the plan shows the problems: the worker fixes them or goes ahead with a reason."""
    case = case_for_team(case_id)
    invitation = invitation_of_case(case, invitation_id)
    if invitation is None:
        abort(404)
    form = ResendForm()
    if form.validate_on_submit():
        try:
            _token, message = resend_link(invitation, current_user, form.reason.data)
        except PlanNotFollowed as exc:
            form.reason.errors = [GO_AHEAD_REASON]
            return render_template(
                "intake/resend.html",
                case=case,
                invitation=invitation,
                form=form,
                plan_problems=exc.problems,
            )
        except WorkflowError as exc:
            flash(str(exc))
        else:
            flash(MESSAGE_QUEUED[message.status])
    elif form.reason.errors:  # a reason too long: asked again, with what was typed
        return render_template(
            "intake/resend.html", case=case, invitation=invitation, form=form, plan_problems=[]
        )
    return redirect(url_for("intake.case", case_id=case.id, _anchor="messages"))


@bp.route("/<int:case_id>/messages/phoned", methods=["POST"])
@intake_only
def phoned(case_id: int):
    """The worker has phoned the parent, as the plan asks before any letter."""
    case = case_for_team(case_id)
    if ConfirmForm().validate_on_submit():
        released = release_held_letters(case, current_user)
        flash(f"Call recorded. {released} letter(s) will now be sent.")
    return redirect(url_for("intake.case", case_id=case.id, _anchor="messages"))


@bp.route("/<int:case_id>/messages/<int:message_id>/letter.pdf")
@intake_only
def letter(case_id: int, message_id: int):
    """A letter to print, as it is (or would be) posted: for when Notify is not set up."""
    case = case_for_team(case_id)
    message = letter_of_case(case, message_id)
    if message is None:
        abort(404)
    record_event("message.printed", case_id=case.id, detail=message.kind, commit=True)
    pdf = letter_pdf(message.recipient, message.subject or "", message.body)
    return pdf_response(pdf, f"letter-{case.reference}-{message.id}.pdf")


@bp.route("/<int:case_id>/plan/post", methods=["POST"])
@intake_only
def post_plan(case_id: int):
    """Post the parent their copy of the agreed plan, as a letter."""
    case = case_for_team(case_id)
    if ConfirmForm().validate_on_submit():
        try:
            message = queue_plan_copy(case, current_user)
        except WorkflowError as exc:
            flash(str(exc))
        else:
            flash(PLAN_COPY_QUEUED[message.status])
    return redirect(url_for("intake.case", case_id=case.id, _anchor="messages"))


@bp.route("/<int:case_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@intake_only
def revoke(case_id: int, invitation_id: int):
    case = case_for_team(case_id)
    invitation = invitation_of_case(case, invitation_id)
    if invitation is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        revoke_invitation(invitation)
        flash("The link is closed. The parent can no longer use it.", "success")
    return redirect(url_for("intake.case", case_id=case.id))


@bp.route("/<int:case_id>/plan/<version>.pdf")
@intake_only
def plan_pdf(case_id: int, version: str):
    """The plan to print: what staff do and why, or the parent's copy in easy read."""
    case = case_for_team(case_id)
    if version not in ("staff", "easy-read"):
        abort(404)
    plan = case.agreed_plan or case.draft_plan
    if plan is None:
        abort(404)
    record_event("plan.exported", case_id=case.id, detail=f"{version} pdf", commit=True)
    template = "documents/plan_staff.html" if version == "staff" else "documents/plan_parent.html"
    return render_pdf(
        template,
        filename=f"plan-{case.reference}-{version}.pdf",
        case=case,
        plan=plan,
        ais_names=AIS_CATEGORY_NAMES,
        contact=parent_contact(case),
    )


# A closed case can be read, printed and reopened; every other page of it says it is closed.
bp.before_request(
    closed_case_guard(
        read_only={
            "intake.case",
            "intake.result",
            "intake.plan",
            "intake.plan_pdf",
            "intake.consent",
        },
        # A parent can take their consent back whether or not the case is open.
        always=frozenset({"intake.reopen", "intake.withdraw_consent_page"}),
        back="intake.case",
    )
)


@bp.route("/<int:case_id>/transfer", methods=["GET", "POST"])
@intake_only
def transfer(case_id: int):
    """Give the case to another worker of the team, or to another team."""
    case = case_for_team(case_id)
    targets = transfer_targets(case)
    form = TransferForm()
    form.to.choices = choices(
        [(f"worker-{w.id}", "You" if w.id == current_user.id else w.name) for w in targets.workers]
        + [(f"team-{t.id}", f"{t.name} team (they choose a worker)") for t in targets.teams]
    )
    if form.validate_on_submit():
        kind, target_id = form.target()
        reason = form.reason.data.strip()
        try:
            if kind == "worker":
                worker = transfer_to_worker(case, target_id, current_user, reason)
            else:
                team = transfer_to_team(case, target_id, current_user, reason)
        except WorkflowError as exc:
            form.to.errors = [str(exc)]
        else:
            if kind == "team":
                flash(f"Referral {case.reference} transferred to the {team.name} team.", "success")
                return redirect(url_for("intake.cases"))
            flash(f"Referral transferred to {worker.name}.", "success")
            return redirect(url_for("intake.case", case_id=case.id))
    return render_template("intake/transfer.html", case=case, form=form)


@bp.route("/<int:case_id>/close", methods=["GET", "POST"])
@intake_only
def close(case_id: int):
    case = case_for_team(case_id)
    form = CloseCaseForm()
    if form.validate_on_submit():
        try:
            close_case(case, form.reason.data, (form.note.data or "").strip())
        except WorkflowError as exc:
            form.reason.errors = [str(exc)]
        else:
            flash(f"Referral {case.reference} closed.", "success")
            return redirect(url_for("intake.case", case_id=case.id))
    return render_template("intake/close.html", case=case, form=form)


@bp.route("/<int:case_id>/reopen", methods=["POST"])
@intake_only
def reopen(case_id: int):
    case = case_for_team(case_id)
    if ConfirmForm().validate_on_submit():
        try:
            reopen_case(case)
        except WorkflowError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Referral {case.reference} reopened.", "success")
    return redirect(url_for("intake.case", case_id=case.id))


@bp.route("/<int:case_id>/consent", methods=["GET", "POST"])
@intake_only
def consent(case_id: int):
    """The parent's consents (to screenings, to sharing, to each referral): record one, or
    go on to record that the parent withdrew one."""
    case = case_for_team(case_id)
    pathways = builtin_content().pathways
    summary = consent_summary(case)
    form = RecordConsentForm()
    form.what.choices = choices(
        ([] if summary.sharing else [(SHARING_CHOICE, KIND_LABELS["sharing"])])
        + [
            (f"referral-{p.id}", f"A referral to {p.name}")
            for p in pathways.values()
            if p.id not in summary.referrals
        ]
    )
    if form.validate_on_submit():
        kind, pathway = form.choice()
        try:
            record_consent(case, kind, form.method.data, current_user, pathway=pathway)
        except WorkflowError as exc:
            form.what.errors = [str(exc)]
        else:
            flash("Consent recorded.", "success")
            return redirect(url_for("intake.consent", case_id=case.id))
    return render_template(
        "intake/consent.html",
        case=case,
        form=form,
        consents=consents_of(case),
        summary=summary,
        pathways=pathways,
        kinds=KIND_LABELS,
        methods=METHOD_LABELS,
    )


@bp.route("/<int:case_id>/consent/<int:consent_id>/withdraw", methods=["GET", "POST"])
@intake_only
def withdraw_consent_page(case_id: int, consent_id: int):
    case = case_for_team(case_id)
    given = consent_of_case(case, consent_id)
    if given is None:
        abort(404)
    form = WithdrawConsentForm()
    if form.validate_on_submit():
        try:
            withdraw_consent(given, form.method.data, current_user)
        except WorkflowError as exc:
            form.method.errors = [str(exc)]
        else:
            flash("Withdrawal of consent recorded.", "success")
            return redirect(url_for("intake.consent", case_id=case.id))
    return render_template(
        "intake/withdraw_consent.html",
        case=case,
        form=form,
        given=given,
        pathways=builtin_content().pathways,
        kinds=KIND_LABELS,
        methods=METHOD_LABELS,
    )
