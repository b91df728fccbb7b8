"""A real OpenID provider on localhost for the council sign-in tests: the oidc-provider-mock
package (Authlib's authorization server: discovery, JWKS, the authorization form, the token
endpoint, RS256 ID tokens with the nonce sent).

- ``set_user(sub, claims)`` sets the claims the provider puts in that person's ID token
  (email, name, roles, team, amr: anything).
- ``tamper_discovery(**fields)`` changes the discovery document (another issuer named).
- ``tamper(**claims)`` makes the token endpoint's next ID tokens carry other claims (a wrong
  iss or aud, an expired exp, another nonce), re-signed with the provider's own key, the one
  it publishes in its JWKS: a token a real provider could send, which only our checks refuse.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import flask
import httpx
import oidc_provider_mock
from joserfc import jws, jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "screening-service"
CLIENT_SECRET = "council-client-secret"  # noqa: S105 - the test provider accepts any


class CouncilProvider:
    def __init__(self, app: flask.Flask):
        self.url = ""
        self.changes: dict = {}
        self.discovery_changes: dict = {}
        app.after_request(self._tamper_with_tokens)
        app.after_request(self._tamper_with_discovery)

    def set_user(self, sub: str, **claims) -> None:
        response = httpx.put(f"{self.url}/users/{quote(sub, safe='')}", json=claims, timeout=10)
        assert response.status_code == 204, response.text

    def tamper(self, **claims) -> None:
        self.changes = claims

    def tamper_discovery(self, **fields) -> None:
        """Other fields in the discovery document (another issuer's name)."""
        self.discovery_changes = fields

    def _tamper_with_discovery(self, response: flask.Response) -> flask.Response:
        if flask.request.path.endswith("/openid-configuration") and self.discovery_changes:
            response.set_data(json.dumps({**response.get_json(), **self.discovery_changes}))
        return response

    def _tamper_with_tokens(self, response: flask.Response) -> flask.Response:
        if flask.request.path != "/oauth2/token" or not self.changes:
            return response
        body = json.loads(response.get_data())
        # The provider's signing key, the private half of what /jwks publishes.
        key = RSAKey.import_key(flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))
        header = jws.extract_compact(body["id_token"].encode()).protected
        claims = {**jwt.decode(body["id_token"], key).claims, **self.changes}
        body["id_token"] = jwt.encode(header, claims, key)
        response.set_data(json.dumps(body))
        return response


@contextmanager
def council_provider() -> Iterator[CouncilProvider]:
    """The provider on a free port, named localhost: another site than the app's 127.0.0.1,
    as a council's provider is (and cookies, which ignore ports, stay apart)."""
    app = oidc_provider_mock.app()
    provider = CouncilProvider(app)
    server = make_server("localhost", 0, app, threaded=True)
    provider.url = f"http://localhost:{server.server_port}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def council_settings(provider: CouncilProvider) -> dict:
    """The app's settings for this provider, as docs/deployment.md describes them."""
    return {
        "OIDC_ISSUER": provider.url,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ROLE_MAP": {
            "Screening.Intake": "intake",
            "Screening.Clinician": "clinician",
            "Screening.Admin": "admin",
        },
    }
