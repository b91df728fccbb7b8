"""The built-in easy-read library and any other set of questionnaires, looked up by id+version."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.loader import load_questionnaire
from questionnaires.schema import Questionnaire

LIBRARY_DIR = Path(__file__).parent / "library"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


class Library:
    """Questionnaires by id and version; the newest published version is the default."""

    def __init__(self, questionnaires: Iterable[Questionnaire] = ()):
        self._by_key: dict[tuple[str, str], Questionnaire] = {}
        for questionnaire in questionnaires:
            self.add(questionnaire)

    def add(self, questionnaire: Questionnaire) -> None:
        key = (questionnaire.id, questionnaire.version)
        if key in self._by_key:
            raise QuestionnaireError(
                [Problem(questionnaire.source, f"{questionnaire.key} is already in the library")]
            )
        self._by_key[key] = questionnaire

    def get(self, questionnaire_id: str, version: str | None = None) -> Questionnaire:
        if version is not None:
            return self._by_key[(questionnaire_id, version)]
        versions = [q for (qid, _), q in self._by_key.items() if qid == questionnaire_id]
        if not versions:
            raise KeyError(questionnaire_id)
        return max(versions, key=lambda q: (q.status == "published", _version_key(q.version)))

    def latest(self) -> list[Questionnaire]:
        ids = sorted({qid for qid, _ in self._by_key})
        return [self.get(qid) for qid in ids]

    def __iter__(self) -> Iterator[Questionnaire]:
        return iter(self._by_key.values())

    def __contains__(self, key: object) -> bool:
        return key in self._by_key


def load_directory(directory: Path) -> Library:
    """Load every *.yaml file in a directory, reporting all broken files together."""
    problems: list[Problem] = []
    loaded = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            loaded.append(load_questionnaire(path))
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
    if problems:
        raise QuestionnaireError(problems)
    return Library(loaded)


@cache
def builtin_library() -> Library:
    """The questionnaires shipped with the service (easy-read indicator questionnaires)."""
    return load_directory(LIBRARY_DIR)
