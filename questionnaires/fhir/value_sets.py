"""ValueSets for ``answerValueSet``: contained ones (``#id``) and referenced ones (a canonical
URL, ``url|version``) resolved against ValueSets given in a Bundle or in separate files. No
terminology server is asked: a ValueSet has to list its concepts (``compose.include.concept``)
or carry its expansion (``expansion.contains``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.fhir.validation import validated


@dataclass(frozen=True)
class GivenValueSet:
    resource: dict
    source: str  # the file (and Bundle entry) it came from


def _check_value_set(resource: dict, source: str, notes: list[str]) -> None:
    from fhir.resources.R4B.valueset import ValueSet

    notes += validated(ValueSet, resource, source, "the ValueSet is ")


def bundle_entries(data: dict, source: str) -> list[tuple[int, dict]]:
    """(entry number from 1, resource) of every entry of a Bundle that holds a resource."""
    entries = data.get("entry", [])
    if not isinstance(entries, list):
        raise QuestionnaireError([Problem(source, "the Bundle's entry is not a list")])
    found = []
    for n, entry in enumerate(entries, 1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not resource.get("resourceType"):
            raise QuestionnaireError(
                [Problem(source, f"Bundle entry {n} holds no resource with a resourceType")]
            )
        found.append((n, resource))
    return found


def split_bundle(data: dict, source: str, notes: list[str]) -> tuple[dict, list[GivenValueSet]]:
    """The one Questionnaire of a Bundle and its ValueSets. Other resources are noted."""
    questionnaires: list[tuple[int, dict]] = []
    value_sets: list[GivenValueSet] = []
    for n, resource in bundle_entries(data, source):
        kind = resource["resourceType"]
        if kind == "Questionnaire":
            questionnaires.append((n, resource))
        elif kind == "ValueSet":
            given = GivenValueSet(resource, f"{source} (Bundle entry {n})")
            _check_value_set(resource, given.source, notes)
            value_sets.append(given)
        else:
            notes.append(f"Bundle entry {n}: a {kind} is not used")
    if len(questionnaires) != 1:
        entries = ", ".join(str(n) for n, _ in questionnaires)
        problem = (
            "the Bundle holds no Questionnaire"
            if not questionnaires
            else f"the Bundle holds {len(questionnaires)} Questionnaires (entries {entries}); "
            "give one per file"
        )
        raise QuestionnaireError([Problem(source, problem)])
    return questionnaires[0][1], value_sets


def read_value_sets(data: Any, source: str, notes: list[str]) -> list[GivenValueSet]:
    """The ValueSets of one file given as ``--value-set``: a ValueSet, or a Bundle holding
    ValueSets (other resources in it are noted and not used)."""
    kind = data.get("resourceType") if isinstance(data, dict) else None
    if kind == "ValueSet":
        _check_value_set(data, source, notes)
        return [GivenValueSet(data, source)]
    if kind != "Bundle":
        raise QuestionnaireError([Problem(source, "not a FHIR ValueSet or a Bundle of ValueSets")])
    found = []
    for n, resource in bundle_entries(data, source):
        if resource["resourceType"] == "ValueSet":
            given = GivenValueSet(resource, f"{source} (Bundle entry {n})")
            _check_value_set(resource, given.source, notes)
            found.append(given)
        else:
            notes.append(f"{source}: Bundle entry {n}: a {resource['resourceType']} is not used")
    if not found:
        raise QuestionnaireError([Problem(source, "the Bundle holds no ValueSet")])
    return found


def _file_of(source: str) -> str:
    return source.split(" (Bundle entry ")[0]


def _same_content(a: dict, b: dict) -> bool:
    """Two copies of one ValueSet: equal apart from their logical id, meta and narrative."""

    def content(resource: dict) -> str:
        kept = {k: v for k, v in resource.items() if k not in ("id", "meta", "text")}
        return json.dumps(kept, sort_keys=True)

    return content(a) == content(b)


def _version_key(version: str | None) -> tuple:
    parts = re.split(r"(\d+)", version or "")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


class ValueSets:
    """The ValueSets an import can use, by canonical URL and version."""

    def __init__(self, contained: list[dict], given: list[GivenValueSet], notes: list[str]):
        self.contained = {
            "#" + str(r.get("id")): r
            for r in contained
            if isinstance(r, dict) and r.get("resourceType") == "ValueSet"
        }
        self.by_url: dict[str, dict[str | None, GivenValueSet]] = {}
        problems = []
        for value_set in given:
            url = value_set.resource.get("url")
            if not url:
                notes.append(f"{value_set.source}: a ValueSet without a url cannot be referenced")
                continue
            version = value_set.resource.get("version")
            versions = self.by_url.setdefault(str(url), {})
            earlier = versions.get(version)
            if earlier is None:
                versions[version] = value_set
            elif not _same_content(earlier.resource, value_set.resource):
                label = f"{url}|{version}" if version else str(url)
                problems.append(
                    Problem(
                        _file_of(value_set.source),
                        f"ValueSet {label} is given twice with different content: in "
                        f"{earlier.source} and in {value_set.source}",
                    )
                )
        if problems:
            raise QuestionnaireError(problems)

    def resolve(self, reference: str) -> tuple[dict | None, str | None]:
        """(the ValueSet, None), or (None, why it could not be found)."""
        if reference.startswith("#"):
            if reference in self.contained:
                return self.contained[reference], None
            return None, "is not contained in the Questionnaire"
        url, _, version = reference.partition("|")
        versions = self.by_url.get(url)
        if not versions:
            return None, (
                "is not contained in the Questionnaire and none of the ValueSets given has that URL"
            )
        if version:
            if version in versions:
                return versions[version].resource, None
            known = ", ".join(sorted(str(v) for v in versions))
            return None, (
                f"names version {version}, which none of the ValueSets given has (given: {known})"
            )
        latest = max(versions, key=_version_key)
        return versions[latest].resource, None

    def versions_of(self, reference: str) -> list[str | None]:
        url = reference.partition("|")[0]
        return list(self.by_url.get(url, {}))


def concepts(resource: dict) -> tuple[list[dict], str | None]:
    """(concepts, None) of a ValueSet that lists them, or ([], why not) of one that needs a
    terminology server to expand. The expansion, when there is one, is what it holds."""
    expansion = resource.get("expansion") or {}
    if expansion.get("contains"):
        found: list[dict] = []

        def walk(contains: list) -> None:
            for entry in contains or []:
                if entry.get("code") and not entry.get("abstract"):
                    found.append(entry)
                walk(entry.get("contains", []))

        walk(expansion["contains"])
        return found, None
    compose = resource.get("compose") or {}
    listed: list[dict] = []
    for include in compose.get("include", []) or []:
        reason = _needs_server(include, "includes")
        if reason:
            return [], reason
        listed += [dict(c, system=include.get("system")) for c in include.get("concept", [])]
    excluded = set()
    for exclude in compose.get("exclude", []) or []:
        reason = _needs_server(exclude, "excludes")
        if reason:
            return [], reason
        excluded |= {(exclude.get("system"), c.get("code")) for c in exclude.get("concept", [])}
    return [c for c in listed if (c.get("system"), c.get("code")) not in excluded], None


def _needs_server(part: dict, verb: str) -> str | None:
    if part.get("concept") and not part.get("filter") and not part.get("valueSet"):
        return None
    if part.get("valueSet"):
        return f"{verb} other ValueSets ({', '.join(map(str, part['valueSet']))})"
    what = "codes chosen by a filter" if part.get("filter") else "every code"
    return f"{verb} {what} of the system {part.get('system')} without listing them"
