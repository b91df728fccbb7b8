"""The deployment as docs/deployment.md describes it, for the topology test: gunicorn instances
with gunicorn.conf.py, and nginx ending TLS (a self-signed certificate) in front of them, passing
a request to the other instance when one does not answer."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from tests.load.proxy import GUNICORN, NGINX, ROOT, require_nginx, self_signed_certificate, stop
from tests.load.server import free_port

# Two (or more) instances in one upstream. An instance that refuses a connection is marked down
# for 30 s and the request goes to the next one (proxy_next_upstream's default: error and
# timeout, which nginx applies to a POST only while nothing of it was sent yet). The log keeps
# the path, never a parent's link token, and which instance answered.
NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
{user}
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    map $uri $logged_path {{
        ~^/p/start/ /p/start/-;
        default $uri;
    }}
    log_format paths '$remote_addr "$request_method $logged_path" $status $upstream_addr';
    access_log {dir}/access.log paths;
    upstream app {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""
LOG_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+)" (?P<status>\d{3}) ')


def unverified_tls() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


def status_of(url: str) -> tuple[int, bytes]:
    """GET url: its status and body, whatever the status."""
    context = unverified_tls() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(url, timeout=10, context=context) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for_health(url: str, seconds: float = 90) -> None:
    """Until url answers 200 (workers booting on a busy machine can take a while)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if status_of(url)[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200")


def log_lines(path: Path) -> list[tuple[str, str, int]]:
    """(method, path, status) of each line of an access log."""
    if not path.exists():
        return []
    lines = []
    for line in path.read_text().splitlines():
        match = LOG_LINE.search(line)
        if match:
            lines.append((match["method"], match["path"], int(match["status"])))
    return lines


class Instance:
    """One gunicorn instance (`gunicorn -c gunicorn.conf.py`, two workers) on a free port."""

    def __init__(self, name: str, directory: Path, env: dict[str, str]):
        self.name, self.directory, self.env = name, directory, env
        self.port = free_port()
        self.access_log = directory / "access.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Instance:
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / "error.log").open("wb") as errors:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env={
                    **os.environ,
                    "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                    "GUNICORN_WORKERS": "2",
                    "GUNICORN_ACCESS_LOG": str(self.access_log),
                    **self.env,
                },
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        try:
            wait_for_health(f"http://127.0.0.1:{self.port}/healthz")
        except BaseException:
            self.__exit__()
            raise
        return self

    def kill(self) -> None:
        """The machine is lost: SIGKILL the workers and the master, nothing shuts down."""
        assert self.process is not None
        workers = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert workers, f"instance {self.name} has no workers"
        self.process.kill()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        self.process.wait()

    def statuses(self, method: str, path: str) -> Counter:
        """How many times this instance answered `method path`, by status."""
        return Counter(s for m, p, s in log_lines(self.access_log) if (m, p) == (method, path))

    def __exit__(self, *_exc) -> None:
        if self.process is not None and self.process.poll() is None:
            stop(self.process)


@contextlib.contextmanager
def nginx_in_front(directory: Path, ports: list[int]):
    """nginx ending TLS on a free port in front of the instances on `ports`; yields (its https
    base address, its access log)."""
    require_nginx()
    directory.mkdir(parents=True, exist_ok=True)
    self_signed_certificate(directory)
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""  # see tests/load/proxy.py
    servers = "\n".join(
        f"        server 127.0.0.1:{app_port} max_fails=1 fail_timeout=30s;" for app_port in ports
    )
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=directory, user=user, port=port, servers=servers))
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
        stderr=subprocess.DEVNULL,
    )
    base = f"https://127.0.0.1:{port}"
    try:
        wait_for_health(f"{base}/healthz", 30)
        yield base, directory / "access.log"
    finally:
        stop(process, signal.SIGQUIT)  # nginx's graceful stop
