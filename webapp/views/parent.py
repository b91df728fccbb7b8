"""The parent's journey through a private link: a start page with consent, one question per
page, answers saved as they go (also as JSON from the page script), check answers, and a
confirmation saying what happens next. Every word of ours that a parent sees goes through
gettext; a parent's own answers never do (they are data: a "%" or markup is shown as typed)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput
from wtforms import BooleanField, RadioField, SubmitField
from wtforms.validators import DataRequired

from questionnaires import SKIP, Item, Questionnaire
from questionnaires.answers import AnswerProblem, check_answer
from screening import alerts_for_answer
from webapp.access.audit import record_event
from webapp.access.security import public
from webapp.extensions import limiter
from webapp.forms.answer import answer_form, describe
from webapp.forms.numbers import json_body
from webapp.forms.staff import choices
from webapp.services.cases import response_by_id
from webapp.services.content_library import service_scorecards
from webapp.services.errors import WorkflowError
from webapp.services.invitations import (
    answers_of,
    find_invitation,
    invitation_by_session_key,
    mark_opened,
    questionnaires_of,
    record_consent,
    response_id_of,
    responses_of,
    save_display,
    send_answers,
    session_key_for,
)
from webapp.services.plans import asked_for, parent_contact
from webapp.services.questions import (
    Step,
    first_unanswered,
    journey_steps,
    save_answer,
    upsert_answer,
)
from webapp.services.safety import alert_worker, crisis_lines, parent_message
from webapp.storage.clock import utcnow
from webapp.storage.database import begin_writing, reads_only, writes_late
from webapp.web.errors import link_problem

if TYPE_CHECKING:
    from webapp.storage.records import Invitation
from webapp.storage.states import InvitationState
from webapp.web.page_cache import render_once

bp = Blueprint("parent", __name__, url_prefix="/p")
SESSION_KEY = "parent_invitation"

# What a parent reads when an answer cannot be used, for every problem check_answer finds.
PARENT_MESSAGES = {
    "choose": _l("Choose an answer. You can choose I'd rather not say."),
    "enter": _l("Type an answer. Or choose I'd rather not say."),
    "not_a_choice": _l("Choose one of the answers on the page."),
    "too_long": _l("Your answer is too long. Use 500 letters or fewer."),
    "number": _l("Type a number, like 3."),
    "decimal": _l("Type a number, like 2.5."),
    "whole": _l("Type a whole number, like 3."),
    "between": _l("Type a number from %(minimum)s to %(maximum)s."),
    "at_least": _l("Type a number of %(minimum)s or more."),
    "at_most": _l("Type a number of %(maximum)s or less."),
    "bigger": _l("Type a bigger number."),
    "smaller": _l("Type a smaller number."),
}

DISPLAY_OPTIONS = {
    "text": (("standard", _l("Standard")), ("large", _l("Large")), ("larger", _l("Very large"))),
    "spacing": (("standard", _l("Standard")), ("wide", _l("Wide"))),
    "background": (("white", _l("White")), ("cream", _l("Cream")), ("blue", _l("Light blue"))),
    "font": (("standard", _l("Standard")), ("readable", _l("Easy to read letters"))),
}


class ConsentForm(FlaskForm):
    agree = BooleanField(
        _l("I have read this and I want to start"),
        widget=GovCheckboxInput(),
        validators=[DataRequired(_l("Tick the box to say you want to start"))],
    )
    submit = SubmitField(_l("Start"), widget=GovSubmitInput())


class SendForm(FlaskForm):
    submit = SubmitField(_l("Send my answers"), widget=GovSubmitInput())


class DisplayForm(FlaskForm):
    text = RadioField(
        _l("Text size"),
        widget=GovRadioInput(),
        choices=choices(DISPLAY_OPTIONS["text"]),
        default="standard",
    )
    spacing = RadioField(
        _l("Space between lines"),
        widget=GovRadioInput(),
        choices=choices(DISPLAY_OPTIONS["spacing"]),
        default="standard",
    )
    background = RadioField(
        _l("Background colour"),
        widget=GovRadioInput(),
        choices=choices(DISPLAY_OPTIONS["background"]),
        default="white",
    )
    font = RadioField(
        _l("Letters"),
        widget=GovRadioInput(),
        choices=choices(DISPLAY_OPTIONS["font"]),
        default="standard",
    )
    submit = SubmitField(_l("Save these choices"), widget=GovSubmitInput())


def current_invitation() -> Invitation | None:
    """The parent's link, read once per request (the view and the page's display options both
    need it)."""
    if "parent_invitation" not in g:
        g.parent_invitation = invitation_by_session_key(session.get(SESSION_KEY))
    return g.parent_invitation


def parent_required(view):
    """The parent's session from their link. Closed links get a kind page, not an error."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        invitation = current_invitation()
        if invitation is None:
            begin_writing()
            record_event("parent.no_session", outcome="denied")
            return link_problem(403)
        state = invitation.state(utcnow())
        if state == InvitationState.SUBMITTED and view.__name__ != "done":
            return closed_page(invitation, submitted=True)
        if state in (InvitationState.REVOKED, InvitationState.EXPIRED):
            session.pop(SESSION_KEY, None)
            g.pop("parent_invitation", None)
            return closed_page(invitation, submitted=False)
        return view(invitation, *args, **kwargs)

    wrapped.required_roles = ("parent",)
    return wrapped


@dataclass(frozen=True)
class AnswerSet:
    """One questionnaire's answers as check-your-answers shows them."""

    questionnaire: Questionnaire
    asked: list[Item]
    answers: dict[str, str]

    @property
    def answered(self) -> int:
        return sum(1 for item in self.asked if item.id in self.answers)

    @property
    def skipped(self) -> int:
        return sum(1 for item in self.asked if self.answers.get(item.id) == SKIP)


def journey(invitation: Invitation, answers: dict[str, dict[str, str]] | None = None) -> list[Step]:
    """Every page the parent is asked, across the questionnaires of the link, in order."""
    answers = answers_of(invitation) if answers is None else answers
    return journey_steps([(q, answers.get(q.id, {})) for q in questionnaires_of(invitation)])


def closed_page(invitation: Invitation, *, submitted: bool):
    return render_template(
        "parent/closed.html",
        invitation=invitation,
        submitted=submitted,
        contact=parent_contact(invitation.case, invitation),
    ), 410


def first_open_page(invitation: Invitation):
    answers = answers_of(invitation)
    for questionnaire in questionnaires_of(invitation):
        missing = first_unanswered(questionnaire, answers.get(questionnaire.id, {}))
        if missing is not None:
            return url_for("parent.question", questionnaire_id=questionnaire.id, item_id=missing.id)
    return url_for("parent.check")


def _now_seq() -> int:
    # Answers are ordered by when they were given (milliseconds), so the newest always wins.
    return time.time_ns() // 1_000_000


@bp.route("/start/<token>")
@limiter.limit(lambda: current_app.config["PARENT_LINK_RATE_LIMIT"])
@public
def open_link(token: str):
    """Swap the link's token for a session, then leave the token out of the address bar."""
    invitation = find_invitation(token)
    if invitation is None:
        record_event("parent.bad_link", outcome="denied")
        return link_problem(404)
    state = invitation.state(utcnow())
    if state != InvitationState.OPEN:
        return closed_page(invitation, submitted=state == InvitationState.SUBMITTED)
    session.clear()
    session[SESSION_KEY] = session_key_for(invitation)
    mark_opened(invitation)
    return redirect(url_for("parent.start"))


@bp.route("/", methods=["GET", "POST"])
@parent_required
def start(invitation: Invitation):
    # "Back" from the first question comes here with again=1 to show the start page again.
    if (
        invitation.consent_at is not None
        and request.method == "GET"
        and not request.args.get("again")
    ):
        return redirect(first_open_page(invitation))
    form = ConsentForm()
    if form.validate_on_submit():
        record_consent(invitation)
        return redirect(first_open_page(invitation))
    questionnaires = questionnaires_of(invitation)
    minutes = sum(q.minutes or 5 for q in questionnaires)
    return render_template(
        "parent/start.html",
        form=form,
        questionnaires=questionnaires,
        minutes=minutes,
        invitation=invitation,
        contact=parent_contact(invitation.case, invitation),
    )


@bp.route("/questions/<questionnaire_id>/<item_id>", methods=["GET", "POST"])
@reads_only
@parent_required
def question(invitation: Invitation, questionnaire_id: str, item_id: str):
    if invitation.consent_at is None:
        return redirect(url_for("parent.start"))
    answers = answers_of(invitation)
    steps = journey(invitation, answers)
    position = next(
        (
            n
            for n, step in enumerate(steps)
            if step.questionnaire.id == questionnaire_id and step.item.id == item_id
        ),
        None,
    )
    if position is None:
        abort(404)
    step = steps[position]
    questionnaire, item = step.questionnaire, step.item
    before = steps[position - 1] if position else None
    back = (
        url_for(
            "parent.question",
            questionnaire_id=before.questionnaire.id,
            item_id=before.item.id,
        )
        if before
        else url_for("parent.start", again=1)
    )

    def render(form):
        return render_template("parent/question.html", form=form, step=step, item=item, back=back)

    if request.method == "POST":
        form = _question_form(item)
        if not form.validate_on_submit():
            return render(form)  # with its errors: never stored
        value = form.answer_value()
        save_answer(responses_of(invitation)[questionnaire.id], item.id, value, seq=_now_seq())
        if _raise_alerts(invitation, questionnaire, item, value):
            return redirect(url_for("parent.help", next=_next_url(invitation, questionnaire, item)))
        if request.args.get("change"):
            return redirect(url_for("parent.check"))
        return redirect(_next_url(invitation, questionnaire, item))
    saved = answers.get(questionnaire.id, {}).get(item.id)
    shown = None if saved == SKIP else saved
    page = (*step.page_key, step.intro, back)
    # The form is built only when the page is rendered: a stored page needs none.
    return render_once(
        (page, shown, display_classes(invitation)), lambda: render(_question_form(item, shown))
    )


def _question_form(item: Item, shown: str | None = None):
    form = answer_form(item, skip_label=_("I'd rather not say"), messages=PARENT_MESSAGES)
    if shown is not None:
        form.answer.data = shown
    return form


def _next_url(invitation: Invitation, questionnaire: Questionnaire, item: Item) -> str:
    steps = journey(invitation)
    keys = [(step.questionnaire.id, step.item.id) for step in steps]
    here = keys.index((questionnaire.id, item.id)) if (questionnaire.id, item.id) in keys else -1
    if 0 <= here < len(steps) - 1:
        following = steps[here + 1]
        return url_for(
            "parent.question",
            questionnaire_id=following.questionnaire.id,
            item_id=following.item.id,
        )
    return url_for("parent.check")


def _raise_alerts(
    invitation: Invitation, questionnaire: Questionnaire, item: Item, value: str
) -> bool:
    """A critical answer alerts the worker at once (the case goes to the top of the queue)."""
    if not alerts_for_answer(questionnaire, item.id, value, service_scorecards()):
        return False
    alert_worker(responses_of(invitation)[questionnaire.id], item.id, value)
    return True


@bp.route("/answers", methods=["POST"])
@writes_late
@parent_required
def save(invitation: Invitation):
    """Autosave from the page script: {"questionnaire", "item", "value", "seq"}."""
    if not request.is_json:
        return jsonify(error="Send JSON (Content-Type: application/json)."), 415
    body = json_body(request.get_data())
    if not isinstance(body, dict):
        return jsonify(error="The body is not a JSON object."), 400
    questionnaire = next(
        (q for q in questionnaires_of(invitation) if q.id == body.get("questionnaire")), None
    )
    if questionnaire is None or invitation.consent_at is None:
        return jsonify(error="Unknown questionnaire."), 400
    item_id, raw, seq = body.get("item"), body.get("value"), body.get("seq")
    asked = {i.id: i for i in questionnaire.items}
    if not isinstance(item_id, str) or item_id not in asked:
        return jsonify(error="Unknown question."), 400
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < 2**53:
        return jsonify(error="seq must be a whole number from 0 to 2^53."), 400
    # The same rule as the page's own post, in the same words: the page script shows them.
    value = check_answer(asked[item_id], raw)
    if isinstance(value, AnswerProblem):
        message = describe(value, asked[item_id], PARENT_MESSAGES)
        return jsonify(error=message, problem=value.kind), 400
    response_id = response_id_of(invitation, questionnaire.id)
    alert = bool(alerts_for_answer(questionnaire, item_id, value, service_scorecards()))
    begin_writing()  # everything above only read: hold the write lock for the save alone
    try:
        saved = upsert_answer(response_id, item_id, value, seq=seq)
    except WorkflowError as exc:
        return jsonify(error=str(exc)), 409
    if not saved:
        return jsonify(saved=False, reason="A newer answer is already saved."), 409
    if alert:
        response = response_by_id(response_id)
        assert response is not None  # its answer was saved just now
        alert_worker(response, item_id, value)
    return jsonify(saved=True, alert=alert, help=url_for("parent.help") if alert else None)


@bp.route("/check", methods=["GET", "POST"])
@reads_only
@parent_required
def check(invitation: Invitation):
    if invitation.consent_at is None:
        return redirect(url_for("parent.start"))
    answers = answers_of(invitation)
    steps = journey(invitation, answers)
    sections = [
        AnswerSet(
            q,
            [step.item for step in steps if step.questionnaire.id == q.id],
            answers.get(q.id, {}),
        )
        for q in questionnaires_of(invitation)
    ]
    missing = first_open_page(invitation)
    form = SendForm()
    if form.validate_on_submit():
        send_answers(invitation)
        return redirect(url_for("parent.done"))
    return render_template(
        "parent/check.html",
        sections=sections,
        form=form,
        missing=None if missing.endswith("/check") else missing,
        invitation=invitation,
    )


@bp.route("/done")
@parent_required
def done(invitation: Invitation):
    answers = answers_of(invitation)
    preferences = [
        asked
        for questionnaire in questionnaires_of(invitation)
        for asked in asked_for(questionnaire, answers.get(questionnaire.id, {}))
    ]
    return render_template(
        "parent/done.html",
        preferences=preferences,
        invitation=invitation,
        contact=parent_contact(invitation.case, invitation),
    )


@bp.route("/save-for-later")
@reads_only
@parent_required
def save_for_later(invitation: Invitation):
    return render_template("parent/save_for_later.html", invitation=invitation)


# The endpoint keeps its name (parent.help); the function does not hide Python's help().
@bp.route("/help", endpoint="help")
@reads_only
@parent_required
def safety_help(invitation: Invitation):
    following = request.args.get("next", "")
    # Only our own paths: never redirect a parent to another site.
    if not following.startswith("/p/") or following.startswith("//"):
        following = first_open_page(invitation)
    return render_template(
        "parent/help.html",
        message=parent_message(),
        lines=crisis_lines(invitation.case.team),
        next_url=following,
        invitation=invitation,
    )


@bp.route("/display", methods=["GET", "POST"])
@reads_only
@parent_required
def display(invitation: Invitation):
    form = DisplayForm(data=invitation.display or None)
    if form.validate_on_submit():
        save_display(invitation, {name: getattr(form, name).data for name in DISPLAY_OPTIONS})
        return redirect(
            first_open_page(invitation) if invitation.consent_at else url_for("parent.start")
        )
    return render_template("parent/display.html", form=form, invitation=invitation)


def display_classes(invitation: Invitation | None) -> str:
    chosen = (invitation.display or {}) if invitation else {}
    return " ".join(
        f"app-display--{name}-{value}"
        for name, value in sorted(chosen.items())
        if value not in ("standard", "white")
    )


def register_context(app) -> None:
    @app.context_processor
    def parent_display():
        if request.blueprint != "parent" or g.get("plain_page"):
            return {}
        return {"display_classes": display_classes(current_invitation())}
