"""Every word a parent sees on the journey's own pages is checked for plain language, with the
same rules as the questionnaires (sentences of 15 words or fewer, reading grade, no jargon)."""

from __future__ import annotations

import re
from pathlib import Path

from questionnaires.readability import check_texts

WEBAPP = Path(__file__).resolve().parents[3] / "webapp"
PARENT_SOURCES = [
    WEBAPP / "views" / "parent.py",
    WEBAPP / "templates" / "parent_base.html",
    WEBAPP / "templates" / "_answer.html",
    *sorted((WEBAPP / "templates" / "parent").glob("*.html")),
]
GETTEXT = re.compile(r"""\b_l?\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def parent_strings() -> dict[str, str]:
    found = {}
    for path in PARENT_SOURCES:
        for number, match in enumerate(GETTEXT.finditer(path.read_text()), start=1):
            text = (match.group(1) or match.group(2)).replace('\\"', '"').replace("\\'", "'")
            text = re.sub(r"%\(\w+\)s", "5", text)  # placeholders read as a short number
            found[f"{path.name}#{number}"] = text
    return found


def test_the_parent_pages_pass_the_plain_language_check():
    texts = parent_strings()
    assert len(texts) > 60, "the extraction found too little to mean anything"
    findings = check_texts(texts)
    assert not findings, "\n".join(f"{f.where} [{f.rule}] {f.message}: {f.text}" for f in findings)


def test_the_check_would_catch_jargon_on_a_parent_page():
    findings = check_texts({"start.html#1": "Your cognitive assessment will be reviewed."})
    assert "avoid-word" in {f.rule for f in findings}
