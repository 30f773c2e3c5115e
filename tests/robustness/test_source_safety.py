"""The checker's own source never evaluates, unpickles, imports or runs anything from the checked repository.

A static audit of every module of the `reprocheck` package (its AST, so comments and strings never count): calls
and imports that could execute repository content or reach the network are refused unless the allowlist below
says where and why they are safe. A new use must be justified here, in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import reprocheck

PACKAGE = Path(reprocheck.__file__).resolve().parent
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)

# Builtins that turn text into running code.
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__", "breakpoint", "execfile", "input"}
# module -> attributes (or "*") that load code, run programs or accept arbitrary Python objects.
FORBIDDEN_ATTRIBUTES = {
    "os": {"system", "popen", "execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp", "execlpe",
           "spawnv", "spawnve", "spawnvp", "spawnvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe", "startfile",
           "posix_spawn", "posix_spawnp", "fork", "forkpty"},
    "yaml": {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all", "Loader",
             "FullLoader", "UnsafeLoader", "CLoader", "CFullLoader", "CUnsafeLoader", "UnsafeConstructor",
             "FullConstructor", "Constructor"},
    "pickle": {"*"},
    "marshal": {"*"},
    "shelve": {"*"},
    "runpy": {"*"},
    "importlib": {"import_module", "__import__", "reload"},
    "subprocess": {"getoutput", "getstatusoutput"},
    "pty": {"*"},
    "code": {"*"},
}  # fmt: skip
# Modules whose import alone means executing or fetching foreign content.
FORBIDDEN_IMPORTS = {
    "pickle", "cPickle", "dill", "cloudpickle", "joblib", "marshal", "shelve", "runpy", "ctypes", "code", "codeop",
    "pty", "socket", "ssl", "http.client", "urllib.request", "urllib3", "requests", "httpx", "aiohttp", "ftplib",
    "smtplib", "telnetlib", "xmlrpc.client", "webbrowser", "imp", "zipimport",
}  # fmt: skip
SUBPROCESS_CALLS = {"run", "Popen", "call", "check_call", "check_output"}

# (module path relative to the package, what) -> why it is safe. Keep this short.
ALLOWED = {
    ("facts/pycode.py", "compile"): "flags=ast.PyCF_ONLY_AST: parses notebook cells with top-level await into a "
    "tree, never a code object",
    ("facts/__init__.py", "importlib.import_module"): "imports the checker's own fact modules (f'{__name__}.…')",
    ("rule.py", "importlib.import_module"): "imports the checker's own rule modules (f'{package.__name__}.…')",
    ("report/__init__.py", "importlib.import_module"): "imports the checker's own report module named by a format "
    "already checked against FORMATS",
    ("parallel.py", "os.fork"): "forks the checker itself to run half of its own rules; the child never execs",
}


def dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def audit(path: Path) -> list[tuple[int, str, str]]:
    """(line, what, why it is refused) for every suspicious call, attribute or import in one module."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    aliases: dict[str, str] = {}  # local name -> module (or subprocess function) it stands for
    modules = {  # every import of the module, wherever it is, before any use is judged
        alias.asname or alias.name.split(".")[0]: alias.name if alias.asname else alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    aliases.update(modules)
    aliases.update(
        (alias.asname or alias.name, f"subprocess.{alias.name}")
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "subprocess"
        for alias in node.names
    )
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
                if alias.name in FORBIDDEN_IMPORTS or alias.name.split(".")[0] in FORBIDDEN_IMPORTS:
                    found.append((node.lineno, f"import {alias.name}", "runs or fetches foreign content"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if node.module in FORBIDDEN_IMPORTS or full in FORBIDDEN_IMPORTS:
                    found.append((node.lineno, f"from {node.module} import {alias.name}", "forbidden module"))
                elif alias.name in FORBIDDEN_ATTRIBUTES.get(node.module, ()) or "*" in FORBIDDEN_ATTRIBUTES.get(
                    node.module, ()
                ):
                    found.append((node.lineno, full, "forbidden attribute"))
                elif node.module == "subprocess":
                    aliases[alias.asname or alias.name] = full
        elif isinstance(node, ast.Attribute):
            name = dotted(node)
            if name and "." in name and name.rsplit(".", 1)[0] in modules:  # an imported module, not a variable
                head, attr = name.rsplit(".", 1)
                module = modules[head]
                banned = FORBIDDEN_ATTRIBUTES.get(module, set())
                if attr in banned or "*" in banned:
                    found.append((node.lineno, f"{module}.{attr}", "loads code or runs a program"))
        if isinstance(node, ast.Call):
            name = dotted(node.func)
            if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_BUILTINS:
                found.append((node.lineno, node.func.id, "turns text into running code"))
            resolved = name and (aliases.get(name.split(".")[0], name.split(".")[0]) + "." + name.split(".", 1)[1]
                                 if "." in name else aliases.get(name, name))  # fmt: skip
            if resolved and resolved.startswith("subprocess.") and resolved.split(".")[1] in SUBPROCESS_CALLS:
                found.extend(subprocess_problems(node))
    return found


def subprocess_problems(call: ast.Call) -> list[tuple[int, str, str]]:
    """A program may be started only as an argument list starting with "git", never through a shell."""
    problems = []
    if any(
        k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False) for k in call.keywords
    ):
        problems.append((call.lineno, "subprocess shell=", "a shell would interpret repository text"))
    argv = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "args"), None)
    first = argv.elts[0] if isinstance(argv, ast.List) and argv.elts else None
    if not (isinstance(first, ast.Constant) and first.value == "git"):
        problems.append((call.lineno, "subprocess of something other than git", "only git may be started"))
    return problems


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(PACKAGE).as_posix() for p in MODULES])
def test_no_module_evaluates_unpickles_imports_or_runs_repository_content(path):
    rel = path.relative_to(PACKAGE).as_posix()
    refused = [f"{rel}:{line}: {what} ({why})" for line, what, why in audit(path) if (rel, what) not in ALLOWED]
    assert refused == []


def test_the_allowlist_is_still_needed_and_still_safe():
    """Every allowance still matches a use (stale ones go), and each is what it claims to be."""
    used = set()
    for path in MODULES:
        rel = path.relative_to(PACKAGE).as_posix()
        used |= {(rel, what) for _line, what, _why in audit(path)}
    assert set(ALLOWED) <= used, set(ALLOWED) - used
    pycode = (PACKAGE / "facts" / "pycode.py").read_text("utf-8")
    assert "ast.PyCF_ONLY_AST" in pycode and pycode.count("compile(text") == 1
    parallel = (PACKAGE / "parallel.py").read_text("utf-8")
    assert "exec" not in parallel.replace("never execs", "") and "os._exit(status)" in parallel
    for rel in ("facts/__init__.py", "rule.py", "report/__init__.py"):
        text = (PACKAGE / rel).read_text("utf-8")
        assert all(
            ".__name__}." in line or "{__name__}." in line for line in text.splitlines() if "import_module(" in line
        )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("eval(x)", "eval"),
        ("import pickle", "import pickle"),
        ("import yaml\nyaml.load(s)", "yaml.load"),
        ("import yaml as y\ny.unsafe_load(s)", "yaml.unsafe_load"),
        ("from yaml import FullLoader", "yaml.FullLoader"),
        ("import subprocess\nsubprocess.run('ls', shell=True)", "subprocess shell="),
        ("import subprocess as sp\nsp.run(['make'])", "subprocess of something other than git"),
        ("from subprocess import run\nrun(['python', 'setup.py'])", "subprocess of something other than git"),
        ("import os\nos.system('x')", "os.system"),
        ("import importlib\nimportlib.import_module(name)", "importlib.import_module"),
        ("from urllib.request import urlopen", "from urllib.request import urlopen"),
    ],
)
def test_the_audit_recognises_what_it_refuses(tmp_path, source, expected):
    module = tmp_path / "m.py"
    module.write_text(source + "\n")
    assert expected in [what for _line, what, _why in audit(module)]


def test_the_audit_lets_git_calls_through(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import subprocess\nsubprocess.run(['git', *args], capture_output=True, check=False)\n")
    assert audit(module) == []
