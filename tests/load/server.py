"""A real gunicorn on 127.0.0.1 for load and fault tests, and a small cookie-keeping client."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_uri: str, *, workers: int = 2, threads: int = 4):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_uri,
        "SECRET_KEY": "load-test-secret-" + "x" * 32,
        "DEMO_MODE": "0",
        "PARENT_LINK_RATE_LIMIT": "10000 per minute",
        "SIGN_IN_RATE_LIMIT": "10000 per minute",
    }
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--graceful-timeout",
            "2",
            "webapp:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if Client(port).get("/healthz").status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)


class Client:
    """One browser tab: keeps its cookies and its CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.extra_headers: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        connection = self.connect()
        try:
            headers = {**self.extra_headers, **(headers or {})}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for key, value in response.getheaders():
                if key.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            reply = Reply(response.status, dict(response.getheaders()), data)
        finally:
            connection.close()
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', reply.body)
        if match:
            self.csrf = match.group(1).decode()
        return reply

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> Reply:
        from urllib.parse import urlencode

        body = urlencode({"csrf_token": self.csrf, **fields}).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_json(self, path: str, payload) -> Reply:
        return self.request(
            "POST",
            path,
            json.dumps(payload).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": self.csrf},
        )


class HttpsClient(Client):
    """A tab on https://127.0.0.1:port (a proxy's self-signed certificate), sending the Referer a
    browser sends under `Referrer-Policy: same-origin`: Flask-WTF wants one over HTTPS."""

    def __init__(self, port: int):
        super().__init__(port)
        self.extra_headers = {"Referer": f"https://127.0.0.1:{port}/"}
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=self.context)
