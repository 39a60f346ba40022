"""Reading source files: UTF-8 with or without a BOM, any line endings, YAML with line numbers."""

from __future__ import annotations

from pathlib import Path

import yaml

from anthology.book import limits


class LineDict(dict):
    """A YAML mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    """A YAML sequence that remembers the line of itself and of each item (1-based)."""

    line: int = 0
    lines: list

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class DuplicateKey(yaml.MarkedYAMLError):
    pass


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise DuplicateKey(None, None, f"the key '{key}' appears twice", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _timestamp(loader: _Loader, node: yaml.ScalarNode):
    """A date that cannot exist (2024-02-30) stays text, so the schema reports it with its line."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class Uncarriable(yaml.MarkedYAMLError):
    pass


def _string(loader: _Loader, node: yaml.ScalarNode) -> str:
    """A string, unless an escape made a character XML cannot carry ("\\ud800", "\\x01"): an
    error at its line, where it would otherwise end the build in an encoding error."""
    value = loader.construct_scalar(node)
    bad = limits.forbidden_character(value)
    if bad is not None:
        raise Uncarriable(None, None, bad[1], node.start_mark)
    return value


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same constructors on libyaml's parser (PyYAML's C extension, where it is built): a
    tenth of the time. A text it refuses is parsed again by _Loader, whose messages are the ones
    documented and tested."""


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:str", _string)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class SourceError(Exception):
    """A file that cannot be read or parsed; carries the line when there is one."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def read_text(path: Path, max_bytes: int = limits.MAX_SOURCE_BYTES) -> str:
    """Return the file's text as str with '\\n' line endings; a BOM is dropped. A file larger than
    max_bytes is an error (it is not read)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(f"the file is {size:,} bytes, more than the limit of {max_bytes:,}: "
                              "split it into several files", 1)
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded); "
            "save it as UTF-8", line
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, first_line: int = 1):
    """Parse YAML text; errors come back as SourceError with the file line."""
    try:
        data = yaml.load(text, Loader=_FastLoader)
    except (yaml.YAMLError, RecursionError):
        data = None
    else:
        if data is not None and not _depth_over(data, limits.MAX_YAML_DEPTH):
            return data
    try:
        data = yaml.load(text, Loader=_Loader)
    except RecursionError:
        data = _TOO_DEEP
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        raise SourceError(f"YAML: {what}", line) from None
    except yaml.YAMLError as exc:
        raise SourceError(f"YAML: {exc}") from None
    if data is _TOO_DEEP or _depth_over(data, limits.MAX_YAML_DEPTH):
        raise SourceError(f"YAML: values nested more than {limits.MAX_YAML_DEPTH} deep (or referring to "
                          "themselves through an alias)", limits.yaml_depth_line(text) + first_line - 1)
    return data


_TOO_DEEP = object()


def _depth_over(data, limit: int) -> bool:
    """Whether mappings and lists nest deeper than limit (a self-referring alias counts as endless)."""
    stack: list[tuple[object, int, frozenset[int]]] = [(data, 0, frozenset())]
    seen: set[int] = set()
    while stack:
        value, depth, path = stack.pop()
        if not isinstance(value, (dict, list)):
            continue
        if depth > limit or id(value) in path:
            return True
        if id(value) in seen:
            continue
        seen.add(id(value))
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1, path | {id(value)}) for child in children)
    return False


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split '---' front matter from a Markdown text.

    Returns (front matter or None, body, line number in the file where the body starts).
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1:]), number + 2
    raise SourceError("the front matter opened with '---' on line 1 is never closed with '---'", 1)
