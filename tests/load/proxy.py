"""The deployment as documented, for tests: a real gunicorn with gunicorn.conf.py behind a real
nginx that ends TLS with a self-signed certificate made by openssl at test time."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.load.server import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
NGINX = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin") or "/usr/sbin/nginx"

# What docs/deployment.md asks of the proxy: pass the scheme and the client's address, and log
# the path without its query string and without referrers, with link tokens masked (the map:
# webapp/access/token_paths.py's rule).
NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
{user}
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
{log_rules}
    access_log {dir}/access.log paths;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""
# The access log's lines of docs/deployment.md, word for word (a test checks they match).
NGINX_LOG_RULES = r"""
    map $uri $uri_masked {
        "~^(?<before>.*?/(?:start|set-up)/+)[^/]+(?<after>.*)$" "${before}[token]${after}";
        default $uri;
    }
    log_format paths '$remote_addr "$request_method $uri_masked" $status $body_bytes_sent';
""".strip("\n")


def require_nginx() -> None:
    """Fail (never skip) without nginx: make test installs Debian's package."""
    if not Path(NGINX).is_file():
        pytest.fail(f"{NGINX} is missing: install Debian's nginx (make test does this)")


def self_signed_certificate(directory: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(directory / "key.pem"),
            "-out",
            str(directory / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )


def wait_until_up(url: str, context: ssl.SSLContext | None = None) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    process.send_signal(sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def gunicorn_with_config(directory: Path, env: dict[str, str]):
    """gunicorn -c gunicorn.conf.py on a free port; yields (port, access log path)."""
    port = free_port()
    access_log = directory / "gunicorn-access.log"
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_ACCESS_LOG": str(access_log),
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        yield port, access_log
    finally:
        stop(process)


@contextlib.contextmanager
def nginx_tls(directory: Path, app_port: int):
    """nginx ending TLS on a free port in front of app_port; yields (https base, access log)."""
    require_nginx()
    directory.mkdir(parents=True, exist_ok=True)
    self_signed_certificate(directory)
    port = free_port()
    # As root, nginx's workers would drop to nobody, who cannot write in pytest's private dirs.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = directory / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            dir=directory, user=user, port=port, app_port=app_port, log_rules=NGINX_LOG_RULES
        )
    )
    process = subprocess.Popen(
        [
            NGINX,
            "-p",
            str(directory),
            "-c",
            str(conf),
            "-e",
            str(directory / "error.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"https://127.0.0.1:{port}"
    try:
        unverified = ssl.create_default_context()
        unverified.check_hostname = False
        unverified.verify_mode = ssl.CERT_NONE
        wait_until_up(f"{base}/healthz", unverified)
        yield base, directory / "access.log"
    finally:
        stop(process, signal.SIGQUIT)  # nginx's graceful stop
        process.stderr.close()
