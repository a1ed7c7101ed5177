"""YAML loading that remembers line numbers, so validation errors can say file:line."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    """A sequence that knows the line it starts on and the line of each item."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


# libyaml's parser where PyYAML was built with it: about ten times faster than the Python one
# (the lexicon is read at every start, the knowledge base at every rebuild and `kb check`); its
# syntax errors are worded a little differently.
_FAST_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastLineLoader(_FAST_BASE):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain scalar", key_node.start_mark
            )
        key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, fast: bool = False) -> Any:
    """Parse YAML; raises yaml.YAMLError (with a mark) on bad syntax. libyaml's parser reads
    it where PyYAML has it; without `fast`, a document it refuses is read again by the Python
    parser, so that the error is worded as before (the knowledge base's files: `smolbot kb
    check` and a rebuild read them about 0.7 s faster, and report the same errors)."""
    try:
        return yaml.load(text, Loader=_FastLineLoader)
    except yaml.YAMLError:
        if fast:
            raise
        return yaml.load(text, Loader=_LineLoader)


def item_line(node: LineList, index: int) -> int:
    """The line of a sequence's item."""
    lines = getattr(node, "item_lines", None)
    return lines[index] if lines and index < len(lines) else node.line


def line_of(node: Any, key: str | None = None, default: int = 1) -> int:
    """The line of `key` in a mapping, or of the node itself."""
    if isinstance(node, LineDict):
        if key is not None and key in node.key_lines:
            return node.key_lines[key]
        return node.line
    if isinstance(node, LineList):
        return node.line
    return default
