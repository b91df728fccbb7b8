"""From a council sign-in's checked claims to one of our staff accounts.

The account is found by the provider's subject (sub), or the first time by its email address
(an account an admin made beforehand), or else made new. Role and team come from the claims
on every sign-in (OIDC_ROLE_CLAIM through OIDC_ROLE_MAP, OIDC_TEAM_CLAIM naming a team), so a
change in the council's directory takes effect at the next sign-in. An account disabled here
stays disabled, whatever the provider says: only an admin here turns it back on."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.storage.records import Team, User, new_session_token

# Council accounts have no password of ours: this is no argon2 hash, so none ever matches.
NO_PASSWORD = "!council-sign-in"  # noqa: S105 - not a password, a marker no hash equals


class CouncilRefused(Exception):
    """The claims are good but do not open an account here; ``reason`` goes to the audit."""

    def __init__(self, reason: str, user: User | None = None):
        super().__init__(reason)
        self.reason, self.user = reason, user


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return []


def mapped_role(claims: dict) -> str | None:
    """Our role for the claim's values: the first entry of OIDC_ROLE_MAP that the person
    holds (the order the council wrote them in), or None."""
    held = set(_as_list(claims.get(current_app.config["OIDC_ROLE_CLAIM"])))
    for value, role in current_app.config["OIDC_ROLE_MAP"].items():
        if value in held:
            return role
    return None


def claimed_team(claims: dict) -> Team | None:
    """The team the claim names (by its name here), None when the claim is absent."""
    names = _as_list(claims.get(current_app.config["OIDC_TEAM_CLAIM"]))
    if not names:
        return None
    team = db.session.scalar(select(Team).where(func.lower(Team.name) == names[0].lower()))
    if team is None:
        raise CouncilRefused("team claim names no team here")
    return team


def email_of(claims: dict) -> str:
    """Entra ID puts the work address in email, or else in preferred_username (the UPN)."""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    raise CouncilRefused("no email address in the claims")


def multi_factor_done(claims: dict) -> bool:
    """The provider says it checked a second factor: amr holds one of OIDC_MFA_AMR."""
    wanted = set(current_app.config["OIDC_MFA_AMR"])
    return bool(wanted & set(_as_list(claims.get("amr"))))


def _find(subject: str, email: str) -> User | None:
    user = db.session.scalar(select(User).where(User.council_subject == subject))
    if user is not None:
        return user
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is not None and user.council_subject not in (None, subject):
        raise CouncilRefused("email belongs to another council identity", user)
    return user


def account_for(claims: dict) -> User:
    """The account these claims sign in to, made or refreshed (not yet committed); refuses a
    person with no mapped role, a disabled account, or a team we do not know."""
    subject = str(claims["sub"])
    email = email_of(claims)
    user = _find(subject, email)
    if user is not None and not user.active:
        raise CouncilRefused("account disabled here", user)
    role = mapped_role(claims)
    if role is None:
        raise CouncilRefused("no mapped role", user)
    team = claimed_team(claims)
    created = user is None
    if user is None:
        user = User(email=email, password_hash=NO_PASSWORD, recovery_codes=[])
        db.session.add(user)
    before = (user.role, user.team_id)
    user.council_subject = subject
    user.role = role
    user.name = _name_of(claims, email)
    if team is not None:
        user.team = team
    db.session.flush()
    if created:
        record_event("user.created", user_id=user.id, detail=_summary("council sign-in", user))
    elif before != (user.role, user.team_id):
        # Sessions opened under the old role or team end: they would keep its permissions.
        user.session_token = new_session_token()
        record_event("user.changed", user_id=user.id, detail=_summary("council claims", user))
    return user


def _summary(source: str, user: User) -> str:
    return f"user {user.id} by {source}: role {user.role}, team {user.team_id}"


def _name_of(claims: dict, email: str) -> str:
    name = claims.get("name")
    return (name.strip() if isinstance(name, str) and name.strip() else email)[:120]
