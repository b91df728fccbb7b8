"""Read YAML keeping the line of every mapping, so errors can point at the line to fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from questionnaires.nesting import TOO_DEEP, too_deep


class LineDict(dict):
    """A dict that remembers the (1-based) line where it, and each of its keys, started."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    pass


# YAML 1.1 reads yes/no/on/off as booleans, which would turn an option value "no" into False.
# Follow YAML 1.2: only true/false are booleans.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str) -> Any:
    """Parse YAML text; mappings come back as LineDict. Raises yaml.YAMLError with a mark, or
    without one for a document nested too deeply (the parser itself recurses)."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506  # nosec B506 - a SafeLoader subclass
    except RecursionError:
        raise yaml.YAMLError(TOO_DEEP) from None
    if too_deep(data):
        raise yaml.YAMLError(TOO_DEEP)
    return data


def read_yaml_file(path: Path) -> Any:
    return read_yaml(Path(path).read_text(encoding="utf-8"))


def line_of(data: Any, key: str | None = None) -> int | None:
    if isinstance(data, LineDict):
        return data.line_of(key) if key else data.line
    return None
