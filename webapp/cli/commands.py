"""Flask CLI commands: init-db, demo-data, create-user, set-team, escalate-safety-alerts and
the data-protection and content commands."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp.access.security import MIN_PASSWORD_LENGTH, hash_password
from webapp.cli.messages import send_messages_command
from webapp.extensions import db
from webapp.services.content_library import questionnaire_library
from webapp.storage.database import init_database
from webapp.storage.records import Case, Team, User
from webapp.storage.states import ConsentMethod, ResponseMode, Role

DEMO_USERS = (
    ("intake@demo.test", "Isla Intake", "intake"),
    ("clinician@demo.test", "Cal Clinician", "clinician"),
    ("admin@demo.test", "Ada Admin", "admin"),
)
DEMO_TEAM = "Demo team"
# The demo team's lead (an intake worker): unacknowledged safety alerts escalate to them.
DEMO_LEAD = ("lead@demo.test", "Lee Lead", "intake")
# A number from Ofcom's range for drama (never a real line), and a made-up duty inbox.
DEMO_TEAM_PHONE = "020 7946 0000"
DEMO_TEAM_DUTY_EMAIL = "duty@demo.test"


def get_or_create_team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        db.session.add(team)
        db.session.flush()
    return team


def upsert_user(email: str, name: str, role: str, password: str, team: Team | None) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=role, password_hash=hash_password(password))
        db.session.add(user)
    else:
        user.role = role
        user.password_hash = hash_password(password)
    user.team = team
    db.session.flush()
    return user


def load_demo_data(password: str) -> None:
    """Demo users and a few demo referrals. Refused unless the app is in demo mode."""
    from webapp.services.consent import start_screening_with_consent
    from webapp.services.questions import save_answer
    from webapp.services.scoring import submit_response

    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("Demo data is only allowed in demo mode (DEMO_MODE=1).")
    team = get_or_create_team(DEMO_TEAM)
    users = {
        role: upsert_user(email, name, role, password, None if role == Role.ADMIN else team)
        for email, name, role in DEMO_USERS
    }
    team.lead = upsert_user(*DEMO_LEAD, password, team)
    team.phone = team.phone or DEMO_TEAM_PHONE
    team.duty_email = team.duty_email or DEMO_TEAM_DUTY_EMAIL
    db.session.commit()
    if db.session.scalar(select(Case).where(Case.team_id == team.id)) is not None:
        return
    questionnaire = questionnaire_library().get("reading-writing")
    for name, contact, language, answer in (
        ("Demo Parent One", "phone", "English", "often"),
        ("Demo Parent Two", "letter", "Polish", "sometimes"),
    ):
        case = Case(
            team=team,
            parent_name=name,
            phone="07400 900000",
            contact_method=contact,
            address="1 Demo Street, Leeds LS1 1AA" if contact == "letter" else None,
            language=language,
            created_by_id=users["intake"].id,
            assigned_to_id=users["intake"].id,
        )
        db.session.add(case)
        db.session.flush()
        # Done with the parent in person, who agreed to it there.
        response = start_screening_with_consent(
            case, questionnaire, ResponseMode.WITH_WORKER, users["intake"], ConsentMethod.IN_PERSON
        )
        for item in questionnaire.items:
            save_answer(
                response,
                item.id,
                answer if answer in item.option_values else item.option_values[-1],
            )
        submit_response(response, users["intake"])
    db.session.add(
        Case(
            team=team,
            parent_name="Demo Parent Three",
            phone="07400 900001",
            contact_method="text",
            language="English",
            created_by_id=users["intake"].id,
            assigned_to_id=users["intake"].id,
        )
    )
    db.session.commit()
    from webapp.cli.demo_plan import add_demo_meetings_and_contacts

    demo_cases = db.session.scalars(select(Case).where(Case.team_id == team.id))
    add_demo_meetings_and_contacts({c.parent_name: c for c in demo_cases}, users["intake"])


def parse_moment(text: str) -> datetime:
    """An ISO time as the stored times are kept: UTC, without a zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            "give an ISO time, like 2026-03-01T14:00", param_hint="--now"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database and apply every migration."""
    init_database(current_app)
    click.echo("Database is up to date.")


@click.command("demo-data")
@with_appcontext
@click.option("--print-logins", is_flag=True, help="Print the demo sign-in details.")
@click.option(
    "--cases",
    type=click.IntRange(min=0),
    default=0,
    help="Also add this many synthetic screened referrals (for load tests).",
)
@click.option(
    "--outcomes",
    is_flag=True,
    help="With --cases: also synthetic assessment outcomes, for the learning loop.",
)
def demo_data_command(print_logins: bool, cases: int, outcomes: bool):
    """Load demo users and referrals (demo mode only)."""
    password = os.environ.get("DEMO_PASSWORD", "")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"Set DEMO_PASSWORD to {MIN_PASSWORD_LENGTH} or more characters."
        )
    load_demo_data(password)
    if cases:
        from webapp.cli.demo import bulk_cases

        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        users = {
            u.role: u
            for u in db.session.scalars(
                select(User).where(User.email.in_([email for email, _n, _r in DEMO_USERS]))
            )
        }
        bulk_cases(team, users["intake"], users["clinician"], cases, outcomes=outcomes)
        click.echo(f"Added {cases} synthetic referrals.")
    click.echo("Demo data loaded.")
    if print_logins:
        click.echo("\nDemo sign-ins (demo mode only) at http://127.0.0.1:5000/sign-in")
        for email, _name, role in DEMO_USERS:
            click.echo(f"  {role:<10} {email:<22} password: {password}")
        click.echo(f"  {'team lead':<10} {DEMO_LEAD[0]:<22} password: {password}")
        click.echo("")


@click.command("invite-link")
@with_appcontext
@click.argument("case_id", type=int)
@click.argument("questionnaire_ids", nargs=-1, required=True)
@click.option(
    "--send",
    is_flag=True,
    help="Also send it to the parent (their preferred way) through the outbox.",
)
@click.option(
    "--reason",
    default=None,
    help="Why send it though it departs from the plan (kept on the contact log).",
)
def invite_link_command(
    case_id: int, questionnaire_ids: tuple[str, ...], send: bool, reason: str | None
):
    """Print a fresh private link for a parent (for workers without email, and tests)."""
    from webapp.services.errors import WorkflowError
    from webapp.services.invitations import create_invitation, invitation_link, send_link

    case = db.session.get(Case, case_id)
    if case is None:
        raise click.ClickException(f"There is no case {case_id}.")
    library = questionnaire_library()
    try:
        chosen = [library.get(qid) for qid in questionnaire_ids]
    except KeyError as exc:
        raise click.ClickException(f"There is no questionnaire {exc}.") from None
    with current_app.test_request_context():
        try:
            if send:
                _invitation, token, message = send_link(case, chosen, None, reason)
            else:
                _invitation, token = create_invitation(case, chosen, None)
        except WorkflowError as error:
            raise click.ClickException(str(error)) from None
        click.echo(invitation_link(token))
    if send:
        click.echo(f"Message {message.reference} by {message.channel}: {message.status}.")


@click.command("purge")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def purge_command(dry_run: bool):
    """Delete records past their retention period (cases on legal hold stay)."""
    from webapp.services.data_protection import purge_expired

    done = purge_expired(dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    for line in done:
        click.echo(f"{verb} {line}")
    click.echo(f"{verb} {len(done)} record group(s).")


@click.command("legal-hold")
@with_appcontext
@click.argument("case_id", type=int)
@click.option("--off", is_flag=True, help="Lift the hold.")
def legal_hold_command(case_id: int, off: bool):
    """Put a case on legal hold (the purge never deletes it), or lift the hold."""
    from webapp.access.audit import record_event

    case = db.session.get(Case, case_id)
    if case is None:
        raise click.ClickException(f"There is no case {case_id}.")
    case.legal_hold = not off
    record_event("legal_hold." + ("lifted" if off else "set"), case_id=case_id)
    db.session.commit()
    click.echo(f"Case {case.reference}: legal hold {'lifted' if off else 'set'}.")


@click.command("subject-access")
@with_appcontext
@click.argument("case_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False), required=True)
@click.option("--reason", required=True, help="Why (e.g. the request number). No names.")
def subject_access_command(case_id: int, out: str, reason: str):
    """Export everything held about the parent of a case as JSON."""
    import json

    from webapp.access.audit import record_event
    from webapp.services.data_protection import subject_record

    case = db.session.get(Case, case_id)
    if case is None:
        raise click.ClickException(f"There is no case {case_id}.")
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(subject_record(case), handle, indent=2, ensure_ascii=False)
    record_event(
        "subject_access.exported", case_id=case_id, detail=f"cli: {reason[:200]}", commit=True
    )
    click.echo(f"Wrote {out}")


@click.command("create-api-token")
@with_appcontext
@click.argument("name")
@click.option("--team", "team_name", required=True, help="The team whose cases it reads.")
def create_api_token_command(name: str, team_name: str):
    """Make a read-only API token for a case-management system (shown once)."""
    from webapp.access.tokens import create_api_token

    team = db.session.scalar(select(Team).where(Team.name == team_name))
    if team is None:
        raise click.ClickException(f"There is no team called {team_name!r}.")
    click.echo(create_api_token(name, team))


@click.command("import-questionnaire")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--scorecard",
    "scorecards",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A scorecard (YAML) for the questionnaire; give it more than once.",
)
@click.option(
    "--domain",
    default="imported",
    help="For FHIR JSON: the domain its answer scores count towards.",
)
@click.option(
    "--value-set",
    "value_sets",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="For FHIR JSON: a ValueSet (or a Bundle of ValueSets) for answerValueSet URLs; "
    "give it more than once.",
)
def import_questionnaire_command(
    path: Path, scorecards: tuple[Path, ...], domain: str, value_sets: tuple[Path, ...]
):
    """Check a questionnaire file (our YAML, or FHIR R4 JSON: a Questionnaire or a Bundle
    holding one and its ValueSets) and add it to this service's library."""
    from questionnaires import ContentError
    from webapp.services.content_library import import_fhir, import_yaml

    if value_sets and path.suffix.lower() != ".json":
        raise click.UsageError("--value-set is for a FHIR questionnaire (a .json file)")
    try:
        if path.suffix.lower() == ".json":
            questionnaire, notes = import_fhir(path, domain, value_sets)
            for note in notes:
                click.echo(f"note: {note}")
            click.echo(f"Imported {questionnaire.key} ({questionnaire.title}).")
        else:
            questionnaire = import_yaml(path, list(scorecards))
            click.echo(
                f"Imported {questionnaire.key} ({questionnaire.title}) with "
                f"{len(scorecards)} scorecard(s)."
            )
    except ContentError as exc:
        raise click.ClickException("the file was not imported:\n" + str(exc)) from None


@click.command("score-batch")
@with_appcontext
@click.argument("in_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out_csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--quiet", is_flag=True, help="No progress bar.")
def score_batch_command(in_csv: Path, out_csv: Path, quiet: bool):
    """Score many responses (one per CSV row, item ids as columns) with every scorecard
    in use for the newest version of each questionnaire. Bad rows are reported by row
    number and do not stop the rest."""
    from models import current_scorecards, score_csv
    from webapp.services.content_library import service_scorecards

    try:
        summary = score_csv(
            in_csv,
            out_csv,
            # One version of each scorecard: the columns are named by scorecard id, and
            # answers in a file name no questionnaire version.
            current_scorecards(service_scorecards(), questionnaire_library()),
            library=questionnaire_library(),
            progress=not quiet,
        )
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"{in_csv} could not be scored: {exc}") from None
    for problem in summary.problems[:50]:
        click.echo(
            f"row {problem.row}, column {problem.column}: {problem.message} ({problem.value!r})",
            err=True,
        )
    if len(summary.problems) > 50:
        click.echo(f"... and {len(summary.problems) - 50} more problems", err=True)
    click.echo(
        f"Scored {summary.rows} rows into {out_csv} in {summary.seconds:.1f} s; "
        f"{summary.rows_with_problems} row(s) had problems."
    )


@click.command("escalate-safety-alerts")
@with_appcontext
@click.option(
    "--now",
    "now_text",
    default=None,
    metavar="ISO-TIME",
    help="Escalate as if it were this time (UTC unless it names a zone).",
)
def escalate_safety_alerts_command(now_text: str | None):
    """Escalate every safety alert nobody acknowledged within SAFETY_ALERT_ESCALATE_HOURS
    to its team's lead (run it from cron, every few minutes)."""
    from webapp.services.safety import escalate_overdue

    escalated = escalate_overdue(parse_moment(now_text) if now_text else None)
    for alert in escalated:
        to = alert.escalated_to.email if alert.escalated_to else None
        click.echo(
            f"{alert.case.reference}: escalated to {to}"
            if to
            else f"{alert.case.reference}: team {alert.case.team.name!r} has no lead; "
            "set one with flask set-team --lead"
        )
    click.echo(f"Escalated {len(escalated)} safety alert(s).")


@click.command("set-team")
@with_appcontext
@click.argument("name")
@click.option("--phone", default=None, help="The number parents can call.")
@click.option("--duty-email", default=None, help="The team's shared inbox.")
@click.option("--lead", "lead_email", default=None, help="Email of the team's lead.")
def set_team_command(name: str, phone: str | None, duty_email: str | None, lead_email: str | None):
    """Set a team's phone number, duty email and lead (safety alerts escalate to the
    lead). Options not given stay as they are."""
    from email_validator import EmailNotValidError, validate_email

    from webapp.access.audit import record_event

    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise click.ClickException(f"There is no team called {name!r}.")
    changed = []
    if phone is not None:
        if not re.fullmatch(r"\+?[0-9][0-9 ()-]{2,38}", phone.strip()):
            raise click.ClickException(
                "Give --phone as a phone number, like 020 7946 0000 or +44 20 7946 0000."
            )
        team.phone = phone.strip()
        changed.append("phone")
    if duty_email is not None:
        try:
            team.duty_email = validate_email(
                duty_email.strip(), check_deliverability=False
            ).normalized
        except EmailNotValidError:
            raise click.ClickException(
                "Give --duty-email as an email address, like duty@example.org."
            ) from None
        changed.append("duty email")
    if lead_email is not None:
        lead = db.session.scalar(select(User).where(User.email == lead_email.strip().lower()))
        if lead is None:
            raise click.ClickException(f"There is no user {lead_email}.")
        if lead.team_id != team.id:
            raise click.ClickException(f"{lead.email} is not in team {name!r}.")
        team.lead = lead
        changed.append("lead")
    if not changed:
        raise click.UsageError("Give --phone, --duty-email or --lead.")
    record_event("team.updated", detail=f"team {team.id}: " + ", ".join(changed))
    db.session.commit()
    lead_text = team.lead.email if team.lead else "none"
    click.echo(
        f"Team {team.name}: phone {team.phone or 'none'}, duty email "
        f"{team.duty_email or 'none'}, lead {lead_text}."
    )


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", default=None, help="Full name (defaults to the email address).")
@click.option("--team", "team_name", default=None, help="Team name (created if new).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email, role, name, team_name, password):
    """Create a staff account, or reset its password and role."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"Passwords must be {MIN_PASSWORD_LENGTH} characters or more.")
    if role != Role.ADMIN and not team_name:
        raise click.ClickException("Give --team for intake workers and clinicians.")
    team = get_or_create_team(team_name) if team_name else None
    upsert_user(email.strip().lower(), name or email, role, password, team)
    db.session.commit()
    click.echo(f"User {email} ({role}) saved.")


COMMANDS = (
    init_db_command,
    demo_data_command,
    invite_link_command,
    purge_command,
    legal_hold_command,
    subject_access_command,
    create_api_token_command,
    import_questionnaire_command,
    score_batch_command,
    escalate_safety_alerts_command,
    set_team_command,
    create_user_command,
    send_messages_command,
)


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
