"""YAML read once per file, safely: plain data for rules, composed nodes for line numbers.

Every YAML consumer (experiment configs, workflows, conda environments, DVC files, pre-commit configs) goes
through :func:`load_yaml`, so each file is parsed once. Loading is bounded: alias-heavy documents ("billion
laughs") and pathological nesting are refused with an RPC002 problem instead of exhausting memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_ALIASES = 200
MAX_DEPTH = 200
# Nodes after expanding aliases: a few aliases nested can stand for billions of values ("billion laughs").
MAX_EXPANDED_NODES = 500_000


class YamlRefused(Exception):
    pass


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts aliases and nesting while composing."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlRefused(f"more than {MAX_ALIASES} aliases (refused: possible alias bomb)")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlRefused(f"nesting deeper than {MAX_DEPTH} levels (refused)")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def construct_unknown_tag(loader: BoundedLoader, suffix: str, node: yaml.Node) -> Any:
    """Application tags (GitLab's `!reference`, CloudFormation's `!Ref`) load as their plain value."""
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


BoundedLoader.add_multi_constructor("!", construct_unknown_tag)


FastLoader = None
if getattr(yaml, "__with_libyaml__", False):

    class FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """libyaml-backed safe loader with the same application-tag handling."""

    FastLoader.add_multi_constructor("!", construct_unknown_tag)


@dataclass
class DuplicateKey:
    """A mapping key written twice in one YAML mapping."""

    key: str
    line: int
    first_line: int
    same_value: bool = False  # both values are the same scalar: a PyYAML reader gets what the author wrote


@dataclass
class YamlFile:
    """One YAML file: `data` is the first document, `nodes` the composed documents (1-based lines via helpers)."""

    path: str
    text: str
    documents: list[Any]
    nodes: list[yaml.Node]
    duplicates: list[DuplicateKey] = field(default_factory=list)

    @property
    def data(self) -> Any:
        return self.documents[0] if self.documents else None

    @property
    def root(self) -> yaml.Node | None:
        return self.nodes[0] if self.nodes else None

    def node_at(self, *keys: Any, document: int = 0) -> yaml.Node | None:
        """The value node reached by following mapping keys / sequence indexes, or None."""
        node = self.nodes[document] if document < len(self.nodes) else None
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if scalar_key(k) == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
            else:
                return None
        return node

    def key_node(self, *keys: Any, document: int = 0) -> yaml.Node | None:
        """The key node of the last key in `keys` (where a finding about that key belongs)."""
        parent = self.node_at(*keys[:-1], document=document) if keys else None
        if isinstance(parent, yaml.MappingNode):
            return next((k for k, _ in parent.value if scalar_key(k) == keys[-1]), None)
        return None

    def line_of(self, *keys: Any, document: int = 0) -> int:
        """1-based line of the key (or value) at `keys`; line 1 when it cannot be found."""
        node = self.key_node(*keys, document=document) if keys else None
        node = node or self.node_at(*keys, document=document)
        return node.start_mark.line + 1 if node is not None else 1


def scalar_key(node: yaml.Node) -> Any:
    """The key as PyYAML's safe loader would construct it (so `on:` is True, `1:` is 1)."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("yes", "true", "on", "y")
    if node.tag == "tag:yaml.org,2002:int":
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return node.value
    if node.tag == "tag:yaml.org,2002:null":
        return None
    return node.value


def same_scalar(one: yaml.Node, other: yaml.Node) -> bool:
    """Whether two value nodes are the same scalar (same resolved tag and text)."""
    return (
        isinstance(one, yaml.ScalarNode)
        and isinstance(other, yaml.ScalarNode)
        and (one.tag, one.value) == (other.tag, other.value)
    )


def find_duplicates(node: yaml.Node, out: list[DuplicateKey], seen: set[int] | None = None, depth: int = 0) -> None:
    """Duplicate keys of every mapping, each node visited once (aliases point at already-seen nodes)."""
    seen = set() if seen is None else seen
    if depth > MAX_DEPTH or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, tuple[int, yaml.Node]] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                if key.value in first:
                    line, earlier = first[key.value]
                    out.append(DuplicateKey(key.value, key.start_mark.line + 1, line, same_scalar(earlier, value)))
                else:
                    first[key.value] = (key.start_mark.line + 1, value)
            find_duplicates(value, out, seen, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            find_duplicates(item, out, seen, depth + 1)


def expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    """How many nodes a consumer walking the constructed data would visit (aliases counted each time).

    Raises YamlRefused past MAX_DEPTH levels, so no rule walking the data recursively can hit Python's limit.
    """
    if id(node) in memo:
        return memo[id(node)]
    if depth > MAX_DEPTH:
        raise YamlRefused(f"nesting deeper than {MAX_DEPTH} levels (refused)")
    total = 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            total += expanded_size(key, memo, depth + 1) + expanded_size(value, memo, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            total += expanded_size(item, memo, depth + 1)
    memo[id(node)] = total
    return total


def plain_style_as_none(root: yaml.Node) -> None:
    """libyaml marks plain scalars with style '' where the Python loader uses None; consumers see one form."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.style == "":
                node.style = None
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def parse_yaml(path: str, text: str) -> YamlFile:
    """Parse every document; raises yaml.YAMLError or YamlRefused with a position where known.

    libyaml (when PyYAML has it) is several times faster. The two parsers disagree on a few corner cases
    (libyaml accepts a tab after `key:`, the Python parser accepts `[a, b:]`), so a file libyaml refuses is
    parsed again by the Python parser and only a file both refuse is unparsable. Both are bounded alike:
    libyaml limits nesting itself, and aliases and depth are bounded here by the expanded size.
    """
    if FastLoader is not None:
        try:
            return compose_all(path, text, FastLoader)
        except YamlRefused:
            raise
        except yaml.YAMLError:
            pass
    return compose_all(path, text, BoundedLoader)


def compose_all(path: str, text: str, loader_class) -> YamlFile:
    loader = loader_class(text)
    try:
        nodes = []
        memo: dict[int, int] = {}
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                if loader_class is FastLoader:
                    plain_style_as_none(node)
                if expanded_size(node, memo) > MAX_EXPANDED_NODES:
                    raise YamlRefused(f"aliases expand to more than {MAX_EXPANDED_NODES} values (refused: alias bomb)")
                nodes.append(node)
        documents = [loader.construct_document(n) for n in nodes]
    finally:
        loader.dispose()
    duplicates: list[DuplicateKey] = []
    for node in nodes:
        find_duplicates(node, duplicates)
    return YamlFile(path=path, text=text, documents=documents, nodes=nodes, duplicates=duplicates)


def _build(project, rel: str) -> YamlFile | None:
    text = project.try_read_text(rel, "YAML file")
    if text is None:
        return None
    try:
        return parse_yaml(rel, text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        project.problem(rel, f"invalid YAML: {error.problem or error}", line, column)
    except (yaml.YAMLError, YamlRefused, RecursionError, ValueError, TypeError) as error:
        project.problem(rel, f"invalid YAML: {error}")
    return None


def load_yaml(project, rel: str) -> YamlFile | None:
    """The parsed file, or None (with an RPC002 problem recorded) when it cannot be read or parsed."""
    return project.parsed("yaml", rel, _build)
