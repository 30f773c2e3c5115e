"""Which `__main__` blocks are self-tests of a module rather than programs whose results count.

A model file ending in a smoke test, a dataset module printing its statistics: their `__main__` block runs the
module once on made-up input. RNG001 and RNG002 judge programs, so these are no entry points for them (nor for the
rules that ask whether entry points seed).
"""

from __future__ import annotations

import posixpath
import re

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.entrypoints import EntryPoint
from reprocheck.facts.reachability import CallGraph, Unit
from reprocheck.tables import randomness as T

# Module names of programs: their `__main__` block is an experiment, whatever the module defines.
PROGRAM_NAME = re.compile(
    r"^(?:train|training|main|run|eval|evaluate|evaluation|test|predict|inference|infer|sample|sampling|generate|"
    r"finetune|fine_tune|pretrain|benchmark|bench|export|demo|app|cli|launch|experiment|fit|val|validate)"
    r"(?:[_-].*)?\.py$"
)


class SelfTests:
    """Which `__main__` entry points are self-tests: modules that the project's library code imports, and model
    modules of a package. Importers are found on the first question, in one pass over the project's imports."""

    def __init__(self, graph: CallGraph, entries: list[EntryPoint]):
        self.graph = graph
        self.entries = entries
        self._importers: dict[str, str] | None = None

    def importer_of(self, entry: EntryPoint) -> str | None:
        if entry.kind != "main":
            return None
        if self._importers is None:
            self._importers = self.find()
        return self._importers.get(entry.path)

    def is_self_test(self, entry: EntryPoint) -> bool:
        """A `__main__` block that library code imports, or that ends a model module of a package (a file in a
        folder with `__init__.py` that defines a torch model and is not named like a program: `unet.py`, not
        `train.py`), which runs the model once on made-up input to check it."""
        return self.importer_of(entry) is not None or (entry.kind == "main" and self.is_package_module(entry.path))

    def is_package_module(self, path: str) -> bool:
        """A module of a package (its folder has `__init__.py`), not named like a program, that defines a torch
        model. (Any module of a library would be too wide: a library's dataset-conversion script is a program.)"""
        folder, base = posixpath.split(path)
        if not folder or f"{folder}/__init__.py" not in self.graph.modules or PROGRAM_NAME.match(base):
            return False
        classes = self.graph.definitions(path).classes
        return any(self.graph.ancestors(Unit(path, "class", name)) & T.TORCH_MODEL_BASES for name in classes)

    def find(self) -> dict[str, str]:
        """Entry path -> the first module (not an entry point, not a test) that imports it."""
        entry_paths = {entry.path for entry in self.entries}
        by_name: dict[str, list[str]] = {}
        for entry in self.entries:
            module = self.graph.modules.get(entry.path) if entry.kind == "main" else None
            for name in module.import_names if module is not None else ():
                by_name.setdefault(name, []).append(entry.path)
        found: dict[str, str] = {}
        for path, module in sorted(self.graph.modules.items()):
            if path in entry_paths or filekinds.is_test_path(path):
                continue
            for item in module.imports:
                for name in (item.module, *(f"{item.module}.{n}" for n in item.names)):
                    for target in by_name.get(name, ()):
                        if target not in found and self.graph.module_path(name, path) == target:
                            found[target] = path
        return found


@fact
def self_tests(call_graph, entry_points) -> SelfTests:
    """The self-tests among the entry points (see the module docstring)."""
    return SelfTests(call_graph, list(entry_points))
