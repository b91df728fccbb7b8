"""Link tokens masked for logs, by the rule gunicorn uses and nginx is given in the docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.proxy import NGINX_LOG_RULES
from webapp.access.token_paths import mask_tokens

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("path", "masked"),
    [
        ("/p/start/abc-DEF_123", "/p/start/[token]"),
        ("/p/start/abc/more", "/p/start/[token]/more"),
        ("//p//start//abc", "//p//start//[token]"),
        ("/account/set-up/abc", "/account/set-up/[token]"),
        ("/p/questions/reading-writing/q1", "/p/questions/reading-writing/q1"),
        ("/p/start/", "/p/start/"),
        (None, ""),
    ],
)
def test_mask_tokens(path, masked):
    assert mask_tokens(path) == masked


def test_the_documented_nginx_log_rules_are_the_tested_ones():
    documented = {line.strip() for line in (ROOT / "docs/deployment.md").read_text().splitlines()}
    for line in NGINX_LOG_RULES.splitlines():
        assert line.strip() in documented, line
