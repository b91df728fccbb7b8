"""The questionnaires and scorecards this service uses: the built-in library, plus any that a
deploying organisation imported (``flask import-questionnaire``) into the instance folder.
A version, once there, is never changed in place: a change is a new version."""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

from flask import current_app

from models import Scorecard, builtin_scorecards, load_scorecard, load_scorecards
from questionnaires import (
    Library,
    Problem,
    Questionnaire,
    QuestionnaireError,
    builtin_library,
    load_questionnaire,
)
from questionnaires.library import load_directory
from questionnaires.versions import canonical_digest
from webapp.storage.states import ScorecardStatus


def imported_dir() -> Path:
    return Path(current_app.config["IMPORTED_CONTENT_DIR"])


def _state(directory: Path) -> tuple:
    """What the cache depends on: the imported files and when they last changed. Read with
    os.scandir, which lists and stats without pathlib's objects: this runs several times on
    every parent's request."""
    try:
        with os.scandir(directory) as entries:
            return tuple(
                sorted(
                    (entry.name, entry.stat().st_mtime_ns)
                    for entry in entries
                    if entry.name.endswith(".yaml") and not entry.name.startswith(".")
                )
            )
    except FileNotFoundError:
        return ()


def _cached() -> tuple[Library, tuple[Scorecard, ...]]:
    directory = imported_dir()
    cache = current_app.extensions.setdefault("content_library", {})
    state = _state(directory / "questionnaires") + _state(directory / "scorecards")
    if cache.get("state") != state:
        library = Library(builtin_library())
        if (directory / "questionnaires").exists():
            for questionnaire in load_directory(directory / "questionnaires"):
                library.add(questionnaire)
        cards = list(builtin_scorecards())
        if (directory / "scorecards").exists():
            cards += load_scorecards(directory / "scorecards", library)
        cache.update(state=state, library=library, cards=tuple(cards))
    return cache["library"], cache["cards"]


def questionnaire_library() -> Library:
    return _cached()[0]


def service_scorecards() -> tuple[Scorecard, ...]:
    """The scorecards in use: built-in and imported ones, except where an approved fitted
    version (the learning loop) has replaced one for the same domain and questionnaire."""
    library, cards = _cached()
    fitted = _active_fitted(library)
    replaced = {(c.domain, q) for c in fitted for q in c.questionnaires}
    kept = tuple(c for c in cards if not any((c.domain, q) in replaced for q in c.questionnaires))
    return kept + fitted


def _active_fitted(library: Library) -> tuple[Scorecard, ...]:
    from models import scorecard_from_dict
    from webapp.extensions import db
    from webapp.storage.records import ScorecardVersion

    built = current_app.extensions.setdefault("fitted_scorecards", {})
    # A version never changes once stored, so only the ids are read each time (this runs on
    # every autosave) and a definition is read once per worker.
    active = db.session.scalars(_active_fitted_ids()).all()
    for key in active:
        if key not in built:
            stored = db.session.get(ScorecardVersion, key)
            assert stored is not None  # its id was read just above
            definition = stored.definition
            built[key] = scorecard_from_dict(definition, library, source=f"fitted version {key}")
    return tuple(built[key] for key in active)


@cache
def _active_fitted_ids():
    """Built once, on the table's own columns (bypassing the ORM's compile step): building a
    statement costs more than running it, and this runs on every autosave."""
    from sqlalchemy import select

    from webapp.storage.records import ScorecardVersion

    versions = ScorecardVersion.__table__.c
    return select(versions.id).where(versions.status == ScorecardStatus.ACTIVE)


def import_yaml(questionnaire_path: Path, scorecard_paths: list[Path]) -> Questionnaire:
    """Check a questionnaire (and its scorecards) against the library, then store it.
    Raises QuestionnaireError (or ScorecardError) naming the file, line and item."""
    questionnaire = load_questionnaire(questionnaire_path)
    library = questionnaire_library()
    target = imported_dir() / "questionnaires" / f"{questionnaire.id}-{questionnaire.version}.yaml"
    if (questionnaire.id, questionnaire.version) in library:
        same = target.exists() and canonical_digest(target) == canonical_digest(questionnaire_path)
        if not same:
            raise QuestionnaireError(
                [
                    Problem(
                        str(questionnaire_path),
                        f"{questionnaire.key} is already in the library with different content: a "
                        "published version cannot change, so give the change a new version",
                    )
                ]
            )
    candidate = Library(library)
    if (questionnaire.id, questionnaire.version) not in candidate:
        candidate.add(questionnaire)
    for path in scorecard_paths:
        load_scorecard(path, candidate)  # raises with file, line and item
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(questionnaire_path, target)
    for path in scorecard_paths:
        destination = imported_dir() / "scorecards" / path.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    return questionnaire


def import_fhir(
    path: Path, domain: str, value_set_paths: list[Path] | tuple[Path, ...] = ()
) -> tuple[Questionnaire, list[str]]:
    """Import a FHIR R4 Questionnaire, or a Bundle holding one and its ValueSets (JSON): stored
    in our format, with a scorecard when its answers carry scores. ``value_set_paths`` are
    ValueSet (or Bundle of ValueSets) files for ``answerValueSet`` URLs. Returns the
    questionnaire and the importer's notes."""
    import tempfile

    import yaml

    from questionnaires.fhir import import_questionnaire
    from questionnaires.nesting import load_json

    def read(path: Path):
        try:
            return load_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise QuestionnaireError([Problem(str(path), f"not readable JSON ({exc})")]) from None

    data = read(path)
    value_sets = [(str(p), read(p)) for p in value_set_paths]
    imported = import_questionnaire(data, source=str(path), domain=domain, value_sets=value_sets)
    q = imported.questionnaire
    with tempfile.TemporaryDirectory() as scratch:
        yaml_path = Path(scratch) / f"{q.id}-{q.version}.yaml"
        yaml_path.write_text(yaml.safe_dump(_as_data(q), sort_keys=False, allow_unicode=True))
        cards = []
        if imported.scorecard:
            card_path = Path(scratch) / f"{imported.scorecard['id']}.yaml"
            card_path.write_text(yaml.safe_dump(imported.scorecard, sort_keys=False))
            cards.append(card_path)
        import_yaml(yaml_path, cards)
    return q, imported.notes


def _as_data(q: Questionnaire) -> dict:
    """Our questionnaire as file data (the same shape the loader reads)."""

    def item_data(item):
        data = {"id": item.id, "type": item.type, "prompt": item.prompt}
        if item.hint:
            data["hint"] = item.hint
        for key, bound in (("min", item.minimum), ("max", item.maximum)):
            if bound is not None:
                data[key] = bound
        if item.options and item.type != "boolean":
            data["options"] = [{"value": o.value, "label": o.label} for o in item.options]
        if item.enable_when:
            data["enable_when"] = [
                {"item": g.item, "in": sorted(g.values)} for g in item.enable_when
            ]
        return data

    data = {
        "id": q.id,
        "version": q.version,
        "title": q.title,
        "kind": q.kind,
        "status": q.status,
        "basis": q.basis,
        "sections": [
            {"id": s.id, "title": s.title, "items": [item_data(i) for i in s.items]}
            for s in q.sections
        ],
    }
    if q.description:
        data["description"] = q.description
    return data
