"""Keyword-only factories for test records, and helpers to sign in and fetch checked pages."""

from __future__ import annotations

import itertools
import time
from functools import cache

from sqlalchemy import MetaData

from webapp.access.security import SESSION_SEEN, SESSION_STARTED, hash_password
from webapp.extensions import db
from webapp.storage.database import init_database
from webapp.storage.records import Case, Team, User

PASSWORD = "correct horse battery staple"
# Every test user has this authenticator secret, so tests can make codes with pyotp.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_counter = itertools.count(1)


@cache
def password_hash() -> str:
    # Hashing is deliberately slow; one hash serves every test user.
    return hash_password(PASSWORD)


def create_team(*, name: str | None = None) -> Team:
    team = Team(name=name or f"Team {next(_counter)}")
    db.session.add(team)
    db.session.commit()
    return team


def create_user(
    *,
    role: str,
    team: Team | None,
    email: str | None = None,
    active: bool = True,
    totp: bool = True,
) -> User:
    user = User(
        email=email or f"{role}{next(_counter)}@example.test",
        name=f"Test {role.title()}",
        role=role,
        password_hash=password_hash(),
        team=team,
        active=active,
        totp_secret=TOTP_SECRET if totp else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def create_case(
    *,
    team: Team,
    parent_name: str = "Sam Parent",
    contact_method: str = "phone",
    language: str = "English",
    phone: str | None = "07400 123456",
) -> Case:
    case = Case(
        team=team,
        parent_name=parent_name,
        contact_method=contact_method,
        language=language,
        phone=phone,
    )
    db.session.add(case)
    db.session.commit()
    return case


def sign_in_as(client, user: User | str) -> None:
    """Put a signed-in session on the client without the (slow, separately tested) form.
    Takes a user, or a user's session id (``user.get_id()``) kept from an app context."""
    with client.session_transaction() as session:
        session["_user_id"] = user if isinstance(user, str) else user.get_id()
        session[SESSION_STARTED] = session[SESSION_SEEN] = time.time()
        session["_fresh"] = True


def reset_external_database(app) -> None:
    """Drop everything on the external test database and migrate it from scratch."""
    with app.app_context():
        metadata = MetaData()
        metadata.reflect(bind=db.engine)
        metadata.drop_all(bind=db.engine)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
    init_database(app)


def screen_with_a_safety_answer(*, case: Case, worker: User, answer: str = "some_days"):
    """A mood screening recorded by a worker, with a positive answer to the self-harm item (a
    scorecard's critical item), sent and scored: that raises a safety alert. Returns it."""
    from questionnaires import builtin_library
    from webapp.services.questions import save_answer, start_response
    from webapp.services.scoring import submit_response

    mood = builtin_library().get("mood-worry")
    response = start_response(case, mood, "with-worker", worker)
    for item in mood.items:
        save_answer(response, item.id, answer if item.id == "mo_hurt_self" else "not_at_all")
    submit_response(response, worker)
    (alert,) = [a for a in case.safety_alerts if a.response_id == response.id]
    return alert


def consent_to_refer(*, case: Case, worker: User, pathway: str = "dyslexia-assessment"):
    """The parent's consent to a referral to one pathway's service, recorded in person."""
    from webapp.services.consent import record_consent

    return record_consent(case, "referral", "in_person", worker, pathway=pathway)
