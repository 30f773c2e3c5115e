"""Which `__main__` blocks are self-tests of a module rather than programs whose results count.

A model file ending in a smoke test, a dataset module printing its statistics: their `__main__` block runs the
module once on made-up input. RNG001 and RNG002 judge programs, so these are no entry points for them (nor for the
rules that ask whether entry points seed).

Three shapes are self-tests: a module that library code imports; a model module of a package; and a module that
other project code uses (imports it, even from another script, or names it in a dotted string: a registry entry,
a `_target_`) whose `__main__` block draws its own made-up input (`x = np.random.random((1, 42, 231, 142))`) and
writes nothing, when the module reads no command line, is not named like a program, and no command (Makefile,
CI, shell script, DVC, Dockerfile) or README line runs it.
"""

from __future__ import annotations

import ast
import posixpath
import re

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.entrypoints import EntryPoint
from reprocheck.facts.reachability import CallGraph, Unit
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.tables import randomness as T

# Modules that read a command line: a module that imports one is a program, whatever else uses it.
COMMAND_LINE_MODULES = frozenset(
    {"argparse", "click", "typer", "fire", "absl", "hydra", "jsonargparse", "docopt", "tyro", "simple_parsing"}
    | {"optparse"}
)
# Entry kinds that say something runs the file as a program (a command, a DVC stage, a console script, a glob).
RUN_KINDS = frozenset({"command", "dvc", "script", "glob", "hydra"})
# Calls that write a result (`np.save`, `df.to_csv`, `torch.save`, `plt.savefig`, `f.write`): a `__main__` block
# that makes one produces something, it does not only exercise the module.
WRITER_NAMES = frozenset(
    {"save", "savez", "savez_compressed", "savetxt", "to_csv", "to_parquet", "to_json", "to_pickle", "to_excel"}
    | {"dump", "write", "write_text", "write_bytes", "imwrite", "imsave", "save_image", "savefig", "save_pretrained"}
)
# Calls that read input (a file, a data set, weights, a config): a `__main__` block making one runs on real data.
READER_NAME = lazy_pattern(
    r"^(?:open|load\w*|read\w*|imread|from_pretrained|from_config|fetch\w*|download\w*|glob|listdir|scandir|"
    r"iterdir|compose|initialize\w*|get_dataset|DataLoader|\w*Dataset)$"
)
# Documentation files read for a line that runs a module (`python models/unet.py`, `python -m pkg.unet`).
DOC_SUFFIXES = (".md", ".rst", ".txt")

# Module names of programs: their `__main__` block is an experiment, whatever the module defines.
PROGRAM_NAME = lazy_pattern(
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
        self._users: set[str] | None = None
        self._exercises: dict[str, bool] = {}
        self._smoke: dict[str, str | None] = {}
        self._docs: list[str] | None = None
        self.project = None  # set by the fact: documentation is read only for a candidate

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
        return (
            self.importer_of(entry) is not None
            or (entry.kind == "main" and self.is_package_module(entry.path))
            or self.exercises(entry)
        )

    def exercises(self, entry: EntryPoint) -> bool:
        """A `__main__` block that draws made-up input to exercise a module the project uses elsewhere (imported,
        even by another script, or named in a dotted string), in a module that reads no command line, is not
        named like a program and that no command or README runs (see the module docstring)."""
        if entry.kind != "main" or entry.kinds & RUN_KINDS or PROGRAM_NAME.match(posixpath.basename(entry.path)):
            return False
        if entry.path not in self._exercises:
            self._exercises[entry.path] = self._decide_exercise(entry.path)
        return self._exercises[entry.path]

    def _decide_exercise(self, path: str) -> bool:
        module = self.graph.modules.get(path)
        if module is None or module.tree is None or not self.draws_input(path):
            return False
        if reads_command_line(module):
            return False
        if self._users is None:
            self._users = self.used_modules()
        if path not in self._users and not self.named_in_strings(path):
            return False
        return not self.documented_run(path)

    def draws_input(self, path: str) -> bool:
        """Does the `__main__` block itself draw from a library's random state (its made-up input), and write
        nothing (no `np.save`, `to_csv`, `open(..., "w")`: a block that writes what it draws makes data)?"""
        from reprocheck.facts.randomness import draw_library

        unit = Unit(path, "main")
        module = self.graph.source(unit)
        if module is None:
            return False
        draws = False
        for call in self.graph.code(unit).calls:
            func = call.func
            name = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else ""
            if name in WRITER_NAMES or (name == "open" and writes(call)):
                return False
            qualified = module.qualname(func)
            if qualified is not None and draw_library(qualified) is not None:
                draws = True
        return draws

    def smoke_test(self, entry: EntryPoint) -> str | None:
        """The first draw of a `__main__` block that only tries a class its module defines on made-up random input (a
        smoke test, a usage example: `layer = HyenaOperator(...)`, `x = torch.randn(1, 1024, 512)`, `y = layer(x)`)
        and reads nothing: no file, data set, weights or config (`open`, `load*`, `read*`, `from_pretrained`), no
        command line; it writes nothing, is not named like a program and no command or README runs it. Its
        numbers depend on the draws, but no result is kept: RNG001 reports it as info. None for other entries."""
        if entry.kind != "main" or entry.kinds & RUN_KINDS or PROGRAM_NAME.match(posixpath.basename(entry.path)):
            return None
        if entry.path not in self._smoke:
            self._smoke[entry.path] = self._decide_smoke(entry.path)
        return self._smoke[entry.path]

    def _decide_smoke(self, path: str) -> str | None:
        from reprocheck.facts.randomness import call_label, draw_library

        module = self.graph.modules.get(path)
        unit = Unit(path, "main")
        if module is None or module.tree is None or reads_command_line(module):
            return None
        defined = set(self.graph.definitions(path).classes)  # the layer, model or utility the block tries out
        first = None
        exercised = False
        for call in self.graph.code(unit).calls:
            func = call.func
            name = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else ""
            if name in WRITER_NAMES or READER_NAME.match(name or ""):
                return None  # `open(...)`, `torch.load(...)`, `pd.read_csv(...)`: data, weights or a config
            qualified = module.qualname(func)
            if first is None and qualified is not None and draw_library(qualified) is not None:
                first = f"{call_label(call)} at {path}:{call.lineno}"
            root = func
            while root.__class__ is ast.Attribute:
                root = root.value
            exercised |= root.__class__ is ast.Name and root.id in defined
        if first is None or not exercised or self.documented_run(path):
            return None
        return first

    def used_modules(self) -> set[str]:
        """Project modules that another non-test project module imports (scripts included)."""
        found: set[str] = set()
        for path, module in self.graph.modules.items():
            if filekinds.is_test_path(path):
                continue
            for imported, level, imported_names in module.import_statements():
                base = imported if not level else module.resolve_relative(imported, level)
                for name in (base, *(f"{base}.{n}" if base else n for n in imported_names)):
                    target = self.graph.module_path(name, path) if name else None
                    if target is not None and target != path:
                        found.add(target)
        return found

    def named_in_strings(self, path: str) -> bool:
        """Is the module named by a dotted string in other project code (`"models.unet.UNet"` in a registry,
        `_target_: models.unet.UNet` in a config)?"""
        names = [name for name in self.graph.modules[path].import_names if "." in name]
        if not names:
            return False
        pattern = re.compile(r"(?<![\w./])(?:" + "|".join(re.escape(n) for n in names) + r")(?:\.\w+)*(?![\w/])")
        for other, module in self.graph.modules.items():
            if other == path or filekinds.is_test_path(other) or not module.mentions(*names):
                continue
            for node in ast.walk(module.tree) if module.tree is not None else ():
                if node.__class__ is ast.Constant and isinstance(node.value, str) and pattern.fullmatch(node.value):
                    return True
        if self.project is None:
            return False
        for config in self.project.select(is_yaml_config):
            try:
                text = self.project.read_text(config)
            except UnreadableFile:  # an unreadable config names nothing
                continue
            if any(name in text for name in names) and pattern.search(text):
                return True
        return False

    def documented_run(self, path: str) -> bool:
        """Does a README (or other documentation) line run the module (`python models/unet.py`,
        `python -m models.unet`)?"""
        if self.project is None:
            return False
        if self._docs is None:
            self._docs = self.project.select(is_documentation)
        base = posixpath.basename(path)
        names = self.graph.modules[path].import_names
        for doc in self._docs:
            try:
                text = self.project.read_text(doc)
            except UnreadableFile:  # an unreadable document runs nothing
                continue
            if base not in text and not any(name in text for name in names):
                continue
            for line in text.splitlines():
                if "python" not in line:
                    continue
                if re.search(rf"(?<![\w.]){re.escape(base)}\b", line) or any(
                    re.search(rf"-m\s+{re.escape(name)}\b", line) for name in names
                ):
                    return True
        return False

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
        if not by_name:
            return found
        # `from parent import name` may name an entry: the dotted names are built only under such a parent.
        parents = {name[:i] for name in by_name for i, c in enumerate(name) if c == "."}
        for path, module in sorted(self.graph.modules.items()):
            if path in entry_paths or filekinds.is_test_path(path):
                continue
            for imported, _, imported_names in module.import_statements():
                names = [f"{imported}.{n}" for n in imported_names] if imported in parents else []
                for name in (imported, *names):
                    for target in by_name.get(name, ()):
                        if target not in found and self.graph.module_path(name, path) == target:
                            found[target] = path
        return found


def writes(call: ast.Call) -> bool:
    """`open(path, "w")`, `open(path, mode="wb")`: a file opened for writing."""
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(c in mode.value for c in "wax")


def is_documentation(path: str) -> bool:
    return path.endswith(DOC_SUFFIXES) and not filekinds.is_test_path(path)


def is_yaml_config(path: str) -> bool:
    return path.endswith((".yaml", ".yml")) and not filekinds.is_test_path(path)


def reads_command_line(module) -> bool:
    """Does the module parse a command line (argparse, click, `sys.argv`, ...)?"""
    if "sys.argv" in module.text:
        return True
    return any(value.split(".")[0] in COMMAND_LINE_MODULES for value in module.bindings.values())


@fact
def self_tests(project, call_graph, entry_points) -> SelfTests:
    """The self-tests among the entry points (see the module docstring)."""
    found = SelfTests(call_graph, list(entry_points))
    found.project = project
    return found
