"""Published versions are frozen: a lock file records a digest of each published file.

Every stored result names the questionnaire version that produced it, so a published version
must never change in place: a change needs a new version. ``published.lock.json`` maps
``id@version`` to the sha256 of the file's canonical content (the parsed YAML as sorted JSON),
so comments and layout can change freely but any change to what the questionnaire says or
offers is caught. New published versions are added with ``python -m questionnaires check
--lock``; an entry that exists is never rewritten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from questionnaires.errors import Problem
from questionnaires.schema import Questionnaire
from questionnaires.yamlsource import read_yaml

LOCK_FILE = Path(__file__).parent / "library" / "published.lock.json"


def canonical_digest(path: str | Path) -> str:
    """sha256 of the file's content as data (sorted JSON), not of its bytes."""
    data = read_yaml(Path(path).read_text(encoding="utf-8"))
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_lock(path: Path = LOCK_FILE) -> dict[str, str]:
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def write_lock(entries: dict[str, str], path: Path = LOCK_FILE) -> None:
    path.write_text(json.dumps(dict(sorted(entries.items())), indent=2) + "\n", encoding="utf-8")


def check_lock(
    questionnaires: Iterable[Questionnaire],
    lock: dict[str, str],
    *,
    lock_source: str = str(LOCK_FILE),
    complete: bool = False,
) -> list[Problem]:
    """Problems: a published file that changed, or is not locked yet; with ``complete``, also a
    locked version whose file has gone (stored results may still name it)."""
    problems = []
    seen = set()
    for questionnaire in questionnaires:
        if questionnaire.status != "published":
            continue
        seen.add(questionnaire.key)
        digest = canonical_digest(questionnaire.source)
        locked = lock.get(questionnaire.key)
        if locked is None:
            problems.append(
                Problem(
                    questionnaire.source,
                    f"{questionnaire.key} is published but not in the lock file: run "
                    "'python -m questionnaires check --lock' to record it",
                )
            )
        elif locked != digest:
            problems.append(
                Problem(
                    questionnaire.source,
                    f"{questionnaire.key} is published and has changed since it was locked. "
                    "A published version cannot change: give the file a new version (and keep "
                    "the old file), or set status: draft while you work on it",
                )
            )
    if complete:
        for key in sorted(set(lock) - seen):
            problems.append(
                Problem(
                    lock_source,
                    f"{key} is locked as published but no file has it: published versions must "
                    "stay available, because stored results name them",
                )
            )
    return problems


def add_to_lock(questionnaires: Iterable[Questionnaire], lock: dict[str, str]) -> list[str]:
    """Lock published versions that are not locked yet; never rewrite an entry. Returns keys."""
    added = []
    for questionnaire in questionnaires:
        if questionnaire.status == "published" and questionnaire.key not in lock:
            lock[questionnaire.key] = canonical_digest(questionnaire.source)
            added.append(questionnaire.key)
    return added
