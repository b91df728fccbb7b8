"""Clinicians: the review queue of flagged cases and a decision on each."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from screening import builtin_content
from webapp.access.audit import record_event
from webapp.access.security import case_for_team, closed_case_guard, role_required
from webapp.forms.contact import CONTACT_LABELS
from webapp.forms.numbers import page_number
from webapp.forms.staff import (
    DECISION_LABELS,
    FINDING_LABELS,
    PATHWAY_STATUS_LABELS,
    PREVIOUSLY_DIAGNOSED_LABELS,
    OutcomeForm,
    choices,
    decision_form,
)
from webapp.services.errors import WorkflowError
from webapp.services.history import answer_sets
from webapp.services.referral_summary import referral_summary
from webapp.services.results import latest_results
from webapp.services.review import (
    areas_to_refer,
    record_outcome,
    record_review,
    referred_cases,
    review_queue,
)
from webapp.storage.clock import utcnow
from webapp.web.documents import render_pdf

bp = Blueprint("review", __name__, url_prefix="/review")
QUEUE_PAGE = 50
clinician_only = role_required("clinician")


@bp.route("")
@clinician_only
def queue():
    page = request.args.get("page", 1, type=page_number)
    waiting = review_queue(current_user.team_id, limit=QUEUE_PAGE, offset=(page - 1) * QUEUE_PAGE)
    return render_template(
        "review/queue.html",
        cases=waiting.cases,
        waiting=waiting.waiting,
        alerts=waiting.alerts,
        page=page,
        pages=max(1, -(-waiting.waiting // QUEUE_PAGE)),
        referred=referred_cases(current_user.team_id),
    )


@bp.route("/cases/<int:case_id>/outcomes", methods=["GET", "POST"])
@clinician_only
def outcomes(case_id: int):
    """Record what a formal assessment found, per domain: the labels for learning."""
    case = case_for_team(case_id)
    content = builtin_content()
    form = OutcomeForm()
    form.domain.choices = choices((d.id, d.name) for d in content.domains.values())
    if form.validate_on_submit():
        record_outcome(case, current_user, form.domain.data, form.finding.data, form.note.data)
        flash("Outcome recorded.", "success")
        return redirect(url_for("review.case", case_id=case.id))
    return render_template("review/outcomes.html", case=case, form=form, domains=content.domains)


@bp.route("/cases/<int:case_id>")
@clinician_only
def case(case_id: int):
    """What a clinician reads first: alerts, diagnosis before, language and plan, then the
    results and answers. The decision is one step away, on its own page."""
    case = case_for_team(case_id)
    content = builtin_content()
    results = latest_results(case)
    record_event("review.case_viewed", case_id=case.id, commit=True)
    return render_template(
        "review/case.html",
        case=case,
        results=results,
        history=answer_sets(case),
        pathways=content.pathways,
        findings=FINDING_LABELS,
        decisions=DECISION_LABELS,
        pathway_statuses=PATHWAY_STATUS_LABELS,
        diagnosed=PREVIOUSLY_DIAGNOSED_LABELS,
        domains=content.domains,
    )


@bp.route("/cases/<int:case_id>/decision", methods=["GET", "POST"])
@clinician_only
def decide(case_id: int):
    """A decision: refer (one pathway per flagged area), no further action, or ask for more."""
    case = case_for_team(case_id)
    content = builtin_content()
    results = latest_results(case)
    areas = areas_to_refer(results)
    form = decision_form(
        [(d, content.domains[d].name) for d in areas],
        [(p.id, p.name) for p in content.pathways.values()],
    )
    if form.validate_on_submit():
        try:
            record_review(
                case, current_user, form.decision.data, form.chosen_pathways(), form.note.data
            )
        except WorkflowError as exc:
            form.decision.errors = [str(exc)]
        else:
            flash("Decision recorded.", "success")
            return redirect(url_for("review.queue"))
    suggested = {r.domain: r.pathway for r in results if r.pathway}
    for domain, field in form.area_fields:
        if domain in suggested:
            field.description = f"Suggested: {content.pathways[suggested[domain]].name}"
    return render_template(
        "review/decision.html",
        case=case,
        form=form,
        results=results,
        domains=content.domains,
    )


@bp.route("/cases/<int:case_id>/summary.pdf")
@clinician_only
def summary_pdf(case_id: int):
    """A referral summary to send with a referral for formal assessment."""
    case = case_for_team(case_id)
    content = builtin_content()
    record_event("summary.exported", case_id=case.id, commit=True)
    return render_pdf(
        "documents/referral_summary.html",
        filename=f"referral-summary-{case.reference}.pdf",
        case=case,
        summary=referral_summary(case, CONTACT_LABELS),
        domains=content.domains,
        pathways=content.pathways,
        decisions=DECISION_LABELS,
        printed=utcnow(),
    )


# A closed case can be read and its summary printed; decisions and outcomes wait until a
# worker reopens it.
bp.before_request(
    closed_case_guard(read_only={"review.case", "review.summary_pdf"}, back="review.case")
)
