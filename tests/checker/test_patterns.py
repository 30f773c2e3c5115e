"""Lazy module-level patterns: compiled on first use, the same answers as `re.compile`, and used only by method."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import reprocheck
from reprocheck.patterns import METHODS, LazyPattern, lazy_pattern

PACKAGE = Path(reprocheck.__file__).parent
REPOSITORY = PACKAGE.parent.parent


def test_compiles_on_first_use_and_then_holds_the_compiled_methods(monkeypatch):
    compiled = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda *args: compiled.append(args) or real(*args))
    pattern = lazy_pattern(r"(?P<word>a+)b", re.IGNORECASE)
    assert compiled == []
    assert pattern.search("xAAb").group("word") == "AA"
    assert compiled == [(r"(?P<word>a+)b", re.IGNORECASE)]
    assert pattern.sub("-", "ab aab") == "- -"
    assert pattern.findall("ab") == ["a"]
    assert len(compiled) == 1
    assert all(name in vars(pattern) for name in METHODS)  # later calls skip __getattr__


@pytest.mark.parametrize("method", METHODS)
def test_every_method_answers_as_the_compiled_pattern(method):
    source, text = r"(\d+)-", "12-34-x"
    lazy = getattr(lazy_pattern(source), method)(*arguments(method, text))
    assert comparable(lazy) == comparable(getattr(re.compile(source), method)(*arguments(method, text)))


def arguments(method: str, text: str) -> tuple:
    return ("<\\1>", text) if method in ("sub", "subn") else (text,)


def comparable(value):
    if isinstance(value, re.Match):
        return value.span(), value.groups()
    if hasattr(value, "__next__"):
        return [comparable(item) for item in value]
    return value


def test_a_bad_pattern_fails_on_use_and_other_attributes_are_missing():
    pattern = lazy_pattern("(")
    with pytest.raises(re.error):
        pattern.match("x")
    with pytest.raises(AttributeError):
        _ = lazy_pattern("a").pattern  # not a re.Pattern: only its methods are there
    assert "LazyPattern" in repr(lazy_pattern("a"))


def test_lazy_module_patterns_are_only_used_by_method_call():
    """A lazy pattern is no `re.Pattern`: `re.sub(NAME, ...)`, `NAME.pattern` or passing it on would break (or
    compile it in a way the rule above does not allow). Every use of every module-level lazy pattern, anywhere in
    the package, tests, scripts and benchmarks, must be `NAME.<method>` (`alias.NAME.<method>` for an import)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in python_files()}
    lazy: set[str] = set()
    for path, tree in trees.items():
        if PACKAGE not in path.parents:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and is_lazy_call(node.value):
                lazy.update(target.id for target in node.targets if isinstance(target, ast.Name))
    assert len(lazy) > 200
    misuses = []
    for path, tree in trees.items():
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            if name not in lazy:
                continue
            parent = parents.get(node)
            if isinstance(node.ctx, ast.Store):
                continue  # a binding, not a use (another module's own `IDENTIFIER = re.compile(...)` included)
            if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in METHODS:
                continue
            misuses.append(f"{path.relative_to(REPOSITORY)}:{node.lineno} {name}")
    assert misuses == []


def is_lazy_call(value: ast.expr) -> bool:
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "lazy_pattern"


def python_files() -> list[Path]:
    folders = [PACKAGE, *(REPOSITORY / name for name in ("tests", "scripts", "benchmarks"))]
    return [path for folder in folders if folder.is_dir() for path in sorted(folder.rglob("*.py"))]


def test_a_lazy_pattern_is_no_compiled_pattern():
    assert not isinstance(lazy_pattern("a"), re.Pattern)
    assert isinstance(lazy_pattern("a"), LazyPattern)
