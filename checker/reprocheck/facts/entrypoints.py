"""Entry points: the code a user actually runs, from which the RNG rules judge seeding.

An entry point is a module with an `if __name__ == "__main__":` block (or a `__main__.py`), a
`[project.scripts]` / `[tool.poetry.scripts]` target, a `@hydra.main` function, a notebook, a file matched by
the `entrypoints` globs in settings, a script that a command in the repository runs (DVC stage `cmd`s, and
Makefile recipes, Dockerfile `RUN`/`CMD`/`ENTRYPOINT`, CI steps and shell scripts), or a
top-level script (repository root or `scripts/`) with module-level statements that no other module imports.
Tests are never entry points, and a module that is only imported never is one.

Code sent to run elsewhere is a program of its own (kind "component"): a Kubeflow Pipelines component (a function
decorated `@dsl.component` or handed to `func_to_container_op`/`create_component_from_func`, in a file or in a
notebook cell that only defines it) runs in its own container, and a function handed to a Kubeflow Fairing job on
a cluster. The file or notebook that builds the pipeline reaches none of its code (see facts/reachability.py
`remote_kind`), and a notebook's cells of component definitions are not among the notebook's own starts.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass, field

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.reachability import CallGraph, Unit, is_main_guard
from reprocheck.facts.structured import load_toml
from reprocheck.patterns import lazy_pattern

PYTHON_PROGRAM = lazy_pattern(r"^python(\d+(\.\d+)*)?$")
# Programs that run the rest of the command line (`env A=1 python x.py`, `nohup python x.py`).
PREFIX_PROGRAMS = frozenset(
    {"env", "time", "nohup", "exec", "srun", "sudo", "nice", "xvfb-run", "stdbuf", "caffeinate"}
)
# `<tool> run ...` wrappers and their options that take a value.
RUN_WRAPPERS = frozenset({"uv", "poetry", "pipenv", "pdm", "hatch", "conda", "mamba", "micromamba", "pixi", "rye"})
WRAPPER_VALUE_OPTIONS = frozenset(
    {"-n", "--name", "-p", "--prefix", "--with", "--python", "--group", "--extra", "--project", "--directory", "-e"}
)
# Launchers that run a Python script given among their arguments.
# Launcher modules run with `python -m`: the program they launch is the script or module after their options.
LAUNCHER_MODULES = frozenset({"torch.distributed.launch", "torch.distributed.run", "accelerate.commands.launch"})
LAUNCHERS = frozenset({"torchrun", "deepspeed", "accelerate", "horovodrun", "mpirun", "python-launcher", "composer"})
PYTHON_VALUE_OPTIONS = frozenset({"-W", "-X", "-Q"})
# Top-level .py files that are tooling, not experiments.
TOOLING_SCRIPTS = frozenset({"setup.py", "conftest.py", "noxfile.py", "fabfile.py", "tasks.py", "dodo.py"})
SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "tools"})
# Files a library loads rather than runs: torch.hub imports `hubconf.py` for its entry functions (a `__main__`
# block there is the maintainers' smoke test, not an experiment).
LOADED_FILES = frozenset({"hubconf.py"})
PRIORITY = {"main": 0, "hydra": 1, "script": 2, "command": 3, "dvc": 4, "glob": 5, "top-level": 6, "notebook": 7}
# How code sent to run elsewhere runs, for messages (see facts/reachability.py `remote_kind`): one function, several.
REMOTE_ORIGINS = {
    "component": (
        "the Kubeflow Pipelines component {names}, which runs in its own container",
        "the Kubeflow Pipelines components {names}, which run in their own containers",
    ),
    "fairing": ("{names}, which a Kubeflow Fairing job runs on a cluster", "{names}, which Kubeflow Fairing jobs run"),
}


@dataclass
class EntryPoint:
    """A file run as a program: `starts` are the units that run first; `line` is where findings belong."""

    path: str
    kind: str  # main, hydra, script, command, dvc, glob, top-level, notebook, component
    line: int
    origin: str  # human-readable: how it is run
    starts: list[Unit] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # every way it is run (`main` and `command`, ...)
    origins: list[str] = field(default_factory=list)  # and how, for each (`run by scripts/bench.sh:3`)

    @property
    def is_notebook(self) -> bool:
        """Is it a notebook, or code that runs on its own from notebook cells (a pipeline component)?"""
        return self.kind == "notebook" or (self.kind == "component" and filekinds.is_notebook(self.path))


# -- commands -------------------------------------------------------------------------------------
def python_target(argv: list[str]) -> tuple[str, str] | None:
    """What a command runs: ("script", "path/x.py"), ("module", "pkg.mod") or None (not a Python program).

    Understands `python`, `python3.11`, `-m`, interpreter options, `uv/poetry/pipenv/conda run`, `env`/`nohup`
    prefixes and launchers (`torchrun`, `python -m torch.distributed.launch`, `accelerate launch`, `deepspeed`).
    """
    i = 0
    while i < len(argv):
        program = posixpath.basename(argv[i])
        if program in PREFIX_PROGRAMS:
            i += 1
            while i < len(argv) and (argv[i].startswith("-") or "=" in argv[i]):
                i += 1
            continue
        if program in RUN_WRAPPERS and i + 1 < len(argv) and argv[i + 1] == "run":
            i += 2
            while i < len(argv) and argv[i].startswith("-"):
                i += 2 if argv[i] in WRAPPER_VALUE_OPTIONS else 1
            continue
        if PYTHON_PROGRAM.match(program):
            i += 1
            while i < len(argv) and argv[i].startswith("-") and argv[i] != "-":
                option = argv[i]
                if option == "-m" and i + 1 < len(argv):
                    if argv[i + 1] in LAUNCHER_MODULES:  # `python -m torch.distributed.launch ... train.py`
                        return python_target(["torchrun", *argv[i + 2 :]])
                    return "module", argv[i + 1]
                if option.startswith("-m") and len(option) > 2:
                    return "module", option[2:]
                if option == "-c":
                    return None
                i += 2 if option in PYTHON_VALUE_OPTIONS else 1
            return ("script", argv[i]) if i < len(argv) and argv[i].endswith(".py") else None
        if program in LAUNCHERS:
            rest = argv[i + 1 :]
            for index, word in enumerate(rest):
                if word in ("-m", "--module") and index + 1 < len(rest):
                    return "module", rest[index + 1]
                if word.endswith(".py") and not word.startswith("-"):
                    return "script", word
            return None
        if program.endswith(".py"):
            return "script", argv[i]
        return None
    return None


def resolve_target(target: tuple[str, str], bases: list[str], project, graph: CallGraph) -> str | None:
    """The project file a python_target() runs, trying each base directory (the command's working dirs)."""
    kind, name = target
    if kind == "module":
        for candidate in (name, f"{name}.__main__"):
            path = graph.module_path(candidate, bases[0] + "/x" if bases and bases[0] else "x")
            if path is not None:
                return path
        return None
    candidates = [posixpath.normpath(posixpath.join(base, name)) for base in [*bases, ""]]
    if name.startswith("/"):  # a path inside a container (`/app/src/train.py`): try its tails
        parts = name.strip("/").split("/")
        candidates = ["/".join(parts[i:]) for i in range(len(parts))]
    for path in candidates:
        if project.exists(path) and filekinds.is_python(path):
            return path
    return None


# -- the fact -------------------------------------------------------------------------------------
class _Collector:
    def __init__(self, project, graph: CallGraph):
        self.project = project
        self.graph = graph
        self.found: dict[str, EntryPoint] = {}
        self.remote: dict[Unit, EntryPoint] = {}  # code sent to run elsewhere: one entry point per start

    def add(self, path: str, kind: str, line: int, origin: str, starts: list[Unit]) -> None:
        if filekinds.is_test_path(path):
            return
        current = self.found.get(path)
        if current is None:
            self.found[path] = EntryPoint(path, kind, line, origin, list(dict.fromkeys(starts)), {kind}, [origin])
            return
        current.kinds.add(kind)
        if origin not in current.origins:
            current.origins.append(origin)
        current.starts = list(dict.fromkeys([*current.starts, *starts]))
        if PRIORITY.get(kind, 9) < PRIORITY.get(current.kind, 9):
            current.kind, current.line, current.origin = kind, line, origin

    def add_script(self, path: str, kind: str, origin: str) -> None:
        """A Python file run as a program: its body, its `__main__` block and its CLI command functions (a
        notebook: its cells, but those that only define code sent to run elsewhere)."""
        if path.endswith(".ipynb"):
            remote = self.graph.component_cells(path)
            cells = [cell for cell in self.graph.notebook_cells.get(path, []) if cell not in remote]
            self.add(path, kind, 1, origin, cells)
            return
        main = self.graph.definitions(path).main_blocks
        starts = [Unit(path, "body")]
        if main:
            starts.append(Unit(path, "main"))
        starts.extend(self.graph.command_functions(path))
        self.add(path, kind, main[0].lineno if main else 1, origin, starts)

    def add_function(self, path: str, function: str, kind: str, origin: str) -> None:
        unit = self.graph.resolve_in(path, function.split("."), 0)
        if unit is None or unit.kind not in ("function", "class"):
            self.add_script(path, kind, origin)  # a CLI object (`app = typer.Typer()`): the module runs
            return
        self.add(path, kind, self.graph.line(unit), origin, [Unit(path, "body"), unit])

    def add_remote(self, start: Unit, how: str, names: tuple[str, ...]) -> None:
        """Code sent to run elsewhere (a pipeline component, a Fairing job's function): a program of its own."""
        if filekinds.is_test_path(start.path) or start in self.remote:
            return
        line = self.graph.line(start)
        called = [f"{name}()" for name in names]
        listed = called[0] if len(called) == 1 else ", ".join(called[:-1]) + " and " + called[-1]
        origin = REMOTE_ORIGINS.get(how, REMOTE_ORIGINS["component"])[len(called) > 1].format(names=listed)
        self.remote[start] = EntryPoint(start.path, "component", line, origin, [start], {"component"}, [origin])


def script_targets(project, pyproject_files: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(pyproject path, script name, "module:function") from [project.scripts], gui-scripts, poetry scripts."""
    found = []
    for path, data in pyproject_files.items():
        project_table = data.get("project") if isinstance(data.get("project"), dict) else {}
        poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
        tables = [project_table.get("scripts"), project_table.get("gui-scripts")]
        tables.append(poetry.get("scripts") if isinstance(poetry, dict) else None)
        for table in tables:
            if not isinstance(table, dict):
                continue
            for name, value in table.items():
                if isinstance(value, dict):
                    value = value.get("reference") or value.get("callable")
                if isinstance(value, str) and ":" in value:
                    found.append((path, str(name), value.split("[")[0].strip()))
    return found


def module_statements(tree: ast.Module | None) -> bool:
    """Does the module do something when run (calls or control flow at top level, not only definitions)?"""
    if tree is None:
        return False
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, (ast.Call, ast.Await)):
            return True
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            return True
        if isinstance(node, ast.If) and not is_main_guard(node):
            return True
    return False


def is_top_level_candidate(path: str) -> bool:
    directory, name = posixpath.split(path)
    if name in TOOLING_SCRIPTS or name in LOADED_FILES or name.startswith(("_", ".")):
        return False
    return directory == "" or directory.split("/")[0] in SCRIPT_DIRS


def imported_elsewhere(path: str, modules) -> bool:
    """Does any other Python file import this script (by a cheap text test, then its parsed imports)?"""
    stem = posixpath.basename(path)[: -len(".py")]
    pattern = re.compile(rf"\b(import|from)\s+[\w.]*\b{re.escape(stem)}\b")
    for other, module in modules.items():
        if other == path or stem not in module.text or not pattern.search(module.text):
            continue
        names = module.imported_modules() | {
            f"{i.module}.{n}" if i.module else n for i in module.imports for n in i.names
        }
        if any(name == stem or name.endswith("." + stem) for name in names):
            return True
    return False


@fact
def entry_points(
    project, settings, python_modules, call_graph, notebooks, dvc, shell_commands, dockerfiles
) -> list[EntryPoint]:
    """Every entry point of the project, one per file (a file run several ways keeps all its starts)."""
    graph: CallGraph = call_graph
    collect = _Collector(project, graph)
    candidates = {path: m for path, m in python_modules.items() if not filekinds.is_test_path(path)}

    for path, module in candidates.items():
        if posixpath.basename(path) in LOADED_FILES:
            continue
        if posixpath.basename(path) == "__main__.py":
            collect.add_script(path, "main", "a package's __main__.py")
            continue
        if module.mentions("__main__") and graph.definitions(path).main_blocks:
            collect.add_script(path, "main", '`if __name__ == "__main__"` block')
        if module.mentions("hydra") and module.tree is not None:
            for name, node in graph.definitions(path).functions.items():
                if any(
                    module.qualname(d.func if isinstance(d, ast.Call) else d) == "hydra.main"
                    for d in node.decorator_list
                ):
                    collect.add_function(path, name, "hydra", f"@hydra.main function {name}()")

    pyprojects = {}
    for path in project.named("pyproject.toml"):
        data = load_toml(project, path)
        if isinstance(data, dict):
            pyprojects[path] = data
    for pyproject_path, name, reference in script_targets(project, pyprojects):
        module_name, _, function = reference.partition(":")
        near = posixpath.join(posixpath.dirname(pyproject_path), "x")
        path = graph.module_path(module_name.strip(), near)
        if path is not None:
            collect.add_function(path, function.strip(), "script", f"[project.scripts] {name} = {reference}")

    for stage in getattr(dvc, "stages", []):
        for line, text in stage.commands:
            for path in command_scripts(text, [stage.wdir], project, graph):
                collect.add_script(path, "dvc", f"DVC stage {stage.name} ({stage.path}:{line})")

    for sourced in shell_commands:
        target = python_target(sourced.command.argv)
        if target is not None:
            bases = [posixpath.dirname(sourced.path)] if sourced.origin != "ci" else []
            path = resolve_target(target, bases, project, graph)
            if path is not None:
                collect.add_script(path, "command", f"run by {sourced.path}:{sourced.line}")

    for path, dockerfile in dockerfiles.items():
        for stage in dockerfile.stages:
            for argv, line in container_commands(stage):
                target = python_target(argv)
                resolved = resolve_target(target, [posixpath.dirname(path)], project, graph) if target else None
                if resolved is not None:
                    collect.add_script(resolved, "command", f"run by {path}:{line}")

    if settings.entrypoints:
        for path in project.matching(settings.entrypoints):
            if filekinds.is_python(path) or path in notebooks:
                collect.add_script(path, "glob", "the `entrypoints` setting")

    for path in notebooks:
        if not filekinds.is_test_path(path):
            collect.add_script(path, "notebook", "a notebook")

    for path, module in candidates.items():
        if path in collect.found or not is_top_level_candidate(path):
            continue
        if module_statements(module.tree) and not imported_elsewhere(path, python_modules):
            collect.add_script(path, "top-level", "a top-level script")

    for path in candidates:
        for unit, how in graph.remote_functions(path).items():
            collect.add_remote(unit, how, (unit.name,))
    for path in notebooks:
        if not filekinds.is_test_path(path):
            for cell, (how, names) in graph.component_cells(path).items():
                collect.add_remote(cell, how, names)

    remote = sorted(collect.remote.values(), key=lambda entry: (entry.path, entry.line, entry.origin))
    return [collect.found[path] for path in sorted(collect.found)] + remote


def container_commands(stage) -> list[tuple[list[str], int]]:
    """The command lines a stage's CMD/ENTRYPOINT run (exec form, shell form, and ENTRYPOINT + CMD)."""
    from reprocheck.facts.shell import split_commands

    found: list[tuple[list[str], int]] = []
    specs = [spec for spec in (stage.entrypoint, stage.cmd) if spec is not None]
    for spec in specs:
        if spec.argv:
            found.append((list(spec.argv), spec.line))
        elif spec.script:
            found.extend((command.argv, spec.line) for command in split_commands(spec.script, spec.line))
    if stage.entrypoint is not None and stage.cmd is not None and stage.entrypoint.argv and stage.cmd.argv:
        found.append(([*stage.entrypoint.argv, *stage.cmd.argv], stage.cmd.line))
    return found


def command_scripts(text: str, bases: list[str], project, graph: CallGraph) -> list[str]:
    """Project Python files a shell command line runs."""
    from reprocheck.facts.shell import split_commands

    paths = []
    for command in split_commands(text):
        target = python_target(command.argv)
        if target is not None:
            path = resolve_target(target, bases, project, graph)
            if path is not None:
                paths.append(path)
    return paths
