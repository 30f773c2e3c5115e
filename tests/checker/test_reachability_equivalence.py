"""The call graph's fast paths give exactly what its plain definitions give.

The fast paths are one pass per unit over its nodes (`CallGraph.code`), names resolved once per code context
and dotted name (`resolve_load`), and cached class bases and module paths. The plain definitions are the
generator walk (`CallGraph.walk`), `resolve_node` on every node and uncached bases. Per unit, the calls,
references, assignments, loops, edges (dispatch tables and objects included), overrides, class ancestors and
randomness events must be equal, in the same order (the order decides which example a message shows), and so
must every entry point's summary: on the benchmark generator's tree, on the checker's own source, and on a
project of awkward shapes.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from pathlib import Path

from benchmarks.generate import generate
from reprocheck.config import Settings
from reprocheck.facts import FactStore
from reprocheck.facts.randomness import RandomnessScanner, summarize
from reprocheck.facts.reachability import CallGraph, Unit, UnitCode, is_main_guard
from reprocheck.project import Project

CHECKER_SOURCE = Path(__file__).resolve().parents[2] / "checker" / "reprocheck"


def walk_import_time(nodes: list[ast.stmt]) -> Iterator[ast.AST]:
    """By definition: nodes that run when these statements run, without entering function bodies (decorators and
    default values do run) and without the `__main__` blocks."""
    stack: list[ast.AST] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if is_main_guard(node):
            continue
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(node.decorator_list)
            stack.extend(d for d in node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if isinstance(node, ast.Lambda):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def plain_walk(graph: CallGraph, unit: Unit) -> Iterator[ast.AST]:
    """By definition: every AST node that runs as part of `unit`."""
    module = graph.source(unit)
    tree = module.tree if module is not None else None
    if tree is None:
        return
    if unit.kind == "cell":
        yield from ast.walk(tree)
    elif unit.kind == "body":
        yield from walk_import_time(tree.body)
    elif unit.kind == "main":
        for block in graph.definitions(unit.path).main_blocks:
            yield from walk_import_time(block.body)
    elif unit.kind == "function":
        node = graph.function_node(unit)
        if node is not None:
            for statement in node.body:
                yield from ast.walk(statement)


def plain_code(graph: CallGraph, unit: Unit) -> UnitCode:
    """`CallGraph.code` by its definition: the nodes of `plain_walk`, sorted as the edge computation always did."""
    import_time = unit.kind == "body"
    runs: set[int] = set()
    calls, references, assignments, loops = [], [], [], []
    for node in plain_walk(graph, unit):
        if import_time:
            if isinstance(node, ast.Call):
                runs.add(id(node.func))
                runs.update(id(a.value if isinstance(a, ast.Starred) else a) for a in node.args)
                runs.update(id(k.value) for k in node.keywords)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                runs.update(id(d) for d in node.decorator_list)
        if isinstance(node, ast.Call):
            calls.append(node)
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (
            isinstance(node, (ast.Name, ast.Attribute))
            and isinstance(node.ctx, ast.Load)
            and (not import_time or id(node) in runs)
        ):
            references.append(node)
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            assignments.append(node)
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            loops.append(node)
    return UnitCode(calls, references, assignments, loops)


class PlainGraph(CallGraph):
    """A call graph that computes everything by definition, caching only module definitions and edges."""

    def code(self, unit: Unit) -> UnitCode:
        return plain_code(self, unit)

    def resolve_load(self, unit: Unit, node: ast.AST, memos=None) -> Unit | None:
        return self.resolve_node(unit, node) if isinstance(node, (ast.Name, ast.Attribute)) else None

    def class_bases(self, cls: Unit):
        return self._class_bases(cls)

    def module_path(self, name: str, near: str) -> str | None:
        paths = self.index.get(name)
        return self._closest_module(name, near, paths) if paths else None


def graphs(root: Path) -> tuple[CallGraph, PlainGraph, FactStore]:
    """The fast and the plain graph over the same parsed modules (so nodes compare by identity)."""
    store = FactStore(Project.discover(root, Settings()))
    modules, index, notebooks = store.call(
        lambda python_modules, module_index, notebook_modules: (
            python_modules,
            module_index,
            notebook_modules,
        )
    )
    return CallGraph(modules, index, notebooks), PlainGraph(modules, index, notebooks), store


def every_unit(graph: CallGraph) -> list[Unit]:
    units = []
    for path in sorted(graph.modules):
        units.extend(graph.units_of(path))
        units.extend(Unit(path, "class", name) for name in graph.definitions(path).classes)
        units.extend(Unit(path, "instance", name) for name in graph.definitions(path).classes)
    for path in sorted(graph.notebook_cells):
        units.extend(graph.units_of(path))
    return units


def assert_same(root: Path) -> int:
    """Compare everything unit by unit and entry by entry; returns how many units were compared."""
    fast, plain, store = graphs(root)
    units = every_unit(fast)
    fast_scanner, plain_scanner = RandomnessScanner(fast, []), RandomnessScanner(plain, [])
    for unit in units:
        assert fast.code(unit) == plain.code(unit), unit
        assert fast.edges(unit) == plain.edges(unit), unit
        assert fast.override_edges(unit) == plain.override_edges(unit), unit
        assert fast_scanner.events(unit) == plain_scanner.events(unit), unit
        if unit.kind == "class":
            assert fast.class_bases(unit) == plain.class_bases(unit), unit
            assert fast.ancestors(unit) == plain.ancestors(unit), unit
    entries = store.call(lambda entry_points: entry_points)
    for entry in entries:
        got, want = summarize(entry, fast, fast_scanner), summarize(entry, plain, plain_scanner)
        assert (got.reached, got.uses, got.seeds, got.unknown_seeds, got.generators) == (
            want.reached,
            want.uses,
            want.seeds,
            want.unknown_seeds,
            want.generators,
        ), entry.path
    return len(units)


def test_benchmark_tree_is_the_same_either_way(tmp_path):
    generate(tmp_path, 300, seed=3)
    assert assert_same(tmp_path) > 500


def test_the_checkers_own_source_is_the_same_either_way(tmp_path):
    root = tmp_path / "src"
    shutil.copytree(CHECKER_SOURCE, root / "reprocheck", ignore=shutil.ignore_patterns("__pycache__"))
    assert assert_same(root) > 1000


AWKWARD = {
    "pkg/__init__.py": """
        from .utils import seed_all as seed_all
        from . import models
    """,
    "pkg/utils/__init__.py": """
        from .seeding import seed_all
    """,
    "pkg/utils/seeding.py": """
        import random

        import numpy as np


        def seed_all(seed):
            random.seed(seed)
            np.random.seed(seed)
    """,
    "pkg/models.py": """
        import torch
        from torch import nn


        class Base(nn.Module):
            def reset(self):
                return torch.rand(1)

            @classmethod
            def build(cls, *args, **kwargs):
                return cls(*args, **kwargs).reset()


        class Net(Base):
            def __init__(self, width=torch.randn(1), *, depth=max(1, 2)):
                super().__init__()
                super().reset()
                self.reset()
                self.missing()
                self.layers = [nn.Linear(width, width) for _ in range(depth)]

            def forward(self, x):
                return Base.reset(self) + (lambda y: torch.randperm(y))(x)


        class Other(Base):
            def reset(self, augment=False):
                if augment:
                    return torch.rand(1)
                return super().reset()

            def first(self):
                return super().reset()

            def second(self):
                return super().layers.reset  # not `super().reset`


        class self(Net):
            def go(self):
                return self.forward(1)


        REGISTRY = {"net": Net, "build": Net.build}
        DEFAULT = Net.build()
    """,
    "pkg/cli.py": """
        import click

        import pkg.utils.seeding
        from pkg import models as m
        from pkg.models import *


        def decorate(f):
            return f


        @click.command()
        @decorate
        def train(epochs: int = 3, *rest, **options):
            pkg.utils.seeding.seed_all(0)
            model = m.Net.build(*rest, **options)
            if (n := epochs) > 1:
                model.forward(n)
            match epochs:
                case 1:
                    m.self().go()
                case _:
                    pass

            async def inner():
                return [x async for x in model]

            class Local:
                def run(self):
                    return self.run()

            return inner, Local


        if __name__ == "__main__":
            train()
    """,
    "scripts/run.py": """
        import numpy as np

        from pkg.cli import train


        def main():
            values = np.random.rand(3)
            train(values.sum())

            if __name__ == "__main__":
                main()


        class Runner:
            if __name__ == "__main__":
                main()


        if __name__ == "__main__":
            main()
            Runner()
    """,
    "pkg/dispatch.py": """
        import functools
        import sys

        from pkg import models
        from pkg.models import REGISTRY
        from pkg.utils import seeding as s


        def prepare(cfg):
            return cfg


        STEPS = [prepare, (models.Net, s.seed_all), "report", functools.partial(prepare), lambda: s.seed_all(1)]
        COMMANDS: dict = {"go": prepare, "net": models.Net.build, **REGISTRY}
        LATER = {}
        LATER["x"] = prepare
        DYNAMIC = {name: prepare for name in "ab"}


        def main(cfg, COMMANDS=None):
            COMMANDS[cfg](cfg)
            handler = REGISTRY.get(cfg, prepare)
            handler(cfg)
            for i, (name, step) in enumerate(STEPS):
                step(cfg)
            [fn() for _, fn in sorted(models.REGISTRY.items())]
            LATER[cfg]()
            DYNAMIC[cfg]()
            local = {"a": s.seed_all}
            local["a"](0)


        for step in STEPS:
            step(None)
        STEPS[0](None)

        if __name__ == "__main__":
            COMMANDS[sys.argv[1]]()
            main(sys.argv[1])
    """,
    "notebooks/explore.ipynb": """
        {"cells": [
          {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
           "source": ["import numpy as np\\n", "from pkg.models import Net\\n"]},
          {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
           "source": ["net = Net()\\n", "np.random.shuffle([1, 2])\\n", "self = net\\n", "self.reset()\\n",
                      "from pkg.dispatch import STEPS\\n", "STEPS[1][0]()\\n"]}
        ],
         "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    """,
}


def test_awkward_shapes_are_the_same_either_way(make_repo):
    root = make_repo(AWKWARD)
    assert assert_same(root) > 20
    fast, _plain, _store = graphs(root)  # the dispatch tables were compared, not skipped
    assert Unit("pkg/utils/seeding.py", "function", "seed_all") in fast.dispatch_targets(
        Unit("pkg/dispatch.py", "function", "main")
    )


def test_a_class_based_on_itself_does_not_recurse_forever(make_repo):
    root = make_repo(
        {
            "train.py": """
                import torch


                class A(A.x):
                    def fit(self):
                        return torch.randn(3)


                class B(C.y):
                    pass


                class C(B.z):
                    pass


                if __name__ == "__main__":
                    A().fit()
                    B()
            """,
        }
    )
    fast, _plain, store = graphs(root)
    assert fast.class_bases(Unit("train.py", "class", "A")) == [(None, None)]
    assert fast.ancestors(Unit("train.py", "class", "B")) == set()
    results = store.call(lambda entry_randomness: entry_randomness)
    assert [sorted(result.uses) for result in results] == [["torch"]]
