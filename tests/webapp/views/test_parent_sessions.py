"""A parent's session holds a random id for their link, never the link's sequential id: a
cookie forged with a known secret (the public development one) cannot open another parent's
answers by counting."""

from __future__ import annotations

from tests.factories import create_case, create_team
from tests.webapp.views.test_parent_journey import make_link, open_and_consent
from webapp.extensions import db
from webapp.storage.records import Invitation
from webapp.views.parent import SESSION_KEY


def test_the_session_holds_a_random_id_and_a_forged_sequential_one_opens_nothing(app, client):
    with app.app_context():
        case_id = create_case(team=create_team()).id
    question = open_and_consent(client, make_link(app, case_id))
    assert client.get(question).status_code == 200
    with client.session_transaction() as session:
        held = session[SESSION_KEY]
    with app.app_context():
        invitation = db.session.query(Invitation).one()
        assert held == invitation.session_key and len(held) >= 43 and held != invitation.id

    forger = app.test_client()
    with forger.session_transaction() as session:
        session[SESSION_KEY] = invitation.id  # what a cookie held before
    assert forger.get(question).status_code == 403
    assert forger.get("/p/").status_code == 403
