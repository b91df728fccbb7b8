"""The service's own app with one more view that does nothing: what every request pays for the
app's stack alone (session, CSRF, rate limiter, the read-only mark, security headers) before
any work of its own. The web benchmark serves it beside the hello, to show how much of the gap
between the hello and a parent's page is the stack rather than the page."""

from webapp import create_app
from webapp.access.security import public

app = create_app()


@app.get("/floor")
@public
def floor():
    return "hello"
