"""Third-party imports of the project's code and notebooks: each import site of a module the repository does not
define, with the optional ones left out.

A fact of its own so that the rules needing it (DEP003, DEP004) say so by name: the import scan of every Python
file is one of a large run's heavy halves (see :mod:`reprocheck.parallel`). Built lazily: the rules that might
need it only pay when they do.

An import is optional, and left out, when it runs only if the module is there: inside `try/except ImportError`
(or its handler: a fallback), `with contextlib.suppress(ImportError)`, `if TYPE_CHECKING:`, under an availability
test (`if importlib.util.find_spec("x")`, `if _X_AVAILABLE:`, `if is_x_available():`, `RequirementCache`,
`module_available`, `"x" in sys.modules`), or after a statement that leaves otherwise (`if not _X_AVAILABLE:
raise ...`) or that requires the distribution at run time (`check_requirements("x")`, `pytest.importorskip`). In
a file where one import of a module is optional, its other imports of it inside functions are too: the lazy imports
of an optional backend, whose code runs only on that backend's path.

A module is the project's own when Python would find it in the repository: a package or module of the project,
a module or folder next to the importing script or notebook, one in a folder the file adds to `sys.path` (the
path is resolved where it is written statically, from literals and `__file__`), and more loosely any module or
folder of that name in the repository, unless the name is a well-known third-party package (then a module of that
name deep in a package is a wrapper for it) or the importing file itself lives in it. A git submodule that is not
checked out provides its folder's name and, to a file that puts it on `sys.path`, every name that is not a
well-known third-party package (its modules cannot be read); so does a repository a notebook clones
(`!git clone URL [folder]`) into a folder the checkout does not hold, and so does an absolute folder outside the
repository that a file puts on `sys.path` (`sys.path.append("/facenet/src")` in a pipeline step that runs in an
image holding the project's code). Modules generated at build
time (`*_pb2`), the root imported as a package under its own name (see `ThirdPartyImports.root_names`), or written
by the notebook itself (`!wget ... -O helper.py`), the modules of vendored copies,
modules of hosted runtimes (`google.colab`) and, in a Jupyter kernel, the kernel's own (`IPython`) are not
third-party imports either; nor is anything inside a vendored copy of a third-party package. A compiled extension
that a `setup.py` builds (`Extension("name", ...)`, `CUDAExtension("pkg.name", ...)`) or that code compiles on the
fly (`torch.utils.cpp_extension.load(name="name", ...)`) is a module of that setup.py's (or that code's) folder.
"""

from __future__ import annotations

import ast
import hashlib
import json
import posixpath
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, partial

from reprocheck.facts import fact
from reprocheck.facts.declarations import cloned_folder
from reprocheck.facts.git_facts import submodule_paths
from reprocheck.facts.pycode import catches_import_error, package_dirs
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.tables.import_names import (
    AVAILABILITY_CALL_PATTERN,
    AVAILABILITY_CALLS,
    AVAILABILITY_FLAG_PATTERN,
    GENERATED_MODULE_SUFFIXES,
    IMPORT_TO_DISTRIBUTIONS,
    KERNEL_MODULES,
    KNOWN_THIRD_PARTY,
    NAMESPACE_PATTERNS,
    PYTHON2_STDLIB,
    REMOVED_STDLIB,
    RUNTIME_PROVIDED,
    RUNTIME_REQUIREMENT_CHECKS,
)

STDLIB = frozenset(sys.stdlib_module_names) | REMOVED_STDLIB | PYTHON2_STDLIB | {"__future__", "__main__"}
WELL_KNOWN = KNOWN_THIRD_PARTY | {key.split(".")[0] for key in IMPORT_TO_DISTRIBUTIONS}
# `from google.cloud import storage` imports google.cloud.storage: its distribution is named by the full name.
NAMESPACE_PARENTS = frozenset(NAMESPACE_PATTERNS) | {
    key.rsplit(".", 1)[0] for key in IMPORT_TO_DISTRIBUTIONS if "." in key
}
AVAILABILITY_CALL = lazy_pattern(AVAILABILITY_CALL_PATTERN)
AVAILABILITY_FLAG = lazy_pattern(AVAILABILITY_FLAG_PATTERN)
SYS_PATH_CALLS = frozenset({"sys.path.append", "sys.path.insert", "sys.path.extend", "site.addsitedir"})
# Words without which a file that the line scan read (all imports at the top level) cannot guard an import.
GUARD_WORDS = ("importorskip", "check_requirements", "require_version", "requires_backends")
# Words without which a source defines no availability flag.
FLAG_WORDS = ("find_spec", "find_loader", "vailable", "AVAILABLE", "RequirementCache", "modules", "get_ipython", "try")
# Files that a notebook writes or downloads with a shell escape or magic (`!wget ... -O helper.py`).
WRITTEN_MODULE = lazy_pattern(r"([A-Za-z_]\w*)\.py\b")
# The per-file cache's name for a file's import sites (kept with the context they were computed in).
SITES_QUERY = "import-sites"
COMPILED_MODULE = lazy_pattern(r"^([A-Za-z_]\w*)\.(?:[\w-]+\.)?(?:pyx|so|pyd)$")
# A README command running a module of a package (`python3 -m vdm.main`): when `main` is a module at the root,
# the root is that package, checked out under its name.
PACKAGE_RUN = lazy_pattern(r"\bpython[\d.]*\s+(?:-[A-Za-z]+\s+)*-m\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)")
ROOT_READMES = ("README.md", "readme.md", "Readme.md", "README.rst", "README.txt", "README")
ORIGIN_URL = lazy_pattern(r'^\s*\[remote "origin"\]\s*$((?:\n(?!\s*\[).*)*)', re.MULTILINE)
URL_LINE = lazy_pattern(r"^\s*url\s*=\s*\S*?([A-Za-z_][\w.-]*?)(?:\.git)?/?\s*$", re.MULTILINE)
MAX_README = 1 << 20


@dataclass(frozen=True)
class ImportSite:
    """Where a third-party module is imported. `module` is the dotted name its distribution is looked up by."""

    module: str
    path: str
    line: int
    cell: int | None = None
    json_line: int | None = None

    @property
    def top(self) -> str:
        return self.module.split(".")[0]


@dataclass
class ThirdPartyImports:
    """The third-party imports of the project's code, and what decides them."""

    python_modules: dict
    notebook_modules: dict
    notebooks: dict
    first_party: frozenset[str]
    files: tuple[str, ...]
    packages: frozenset[str] = frozenset()  # folders with an `__init__.py`
    roles: object = None  # facts/roles.Roles
    project: object = None  # the Project, for its file and folder sets

    @cached_property
    def found(self) -> list[ImportSite]:
        """Each non-optional third-party import, the first per file and module, in file order."""
        found: list[ImportSite] = []
        for rel, module in self.python_modules.items():
            if rel.rsplit("/", 1)[-1] == "setup.py" or self.is_vendored(rel):
                continue
            found.extend(self.kept_sites(rel, [(module, None)]))
        for rel, cells in self.notebook_modules.items():
            if not self.is_vendored(rel):
                found.extend(self.kept_sites(rel, [(cell.module, cell) for cell in cells]))
        return found

    @cached_property
    def context(self) -> str:
        """A digest of all that decides a file's import sites besides the file itself: the listing (the folders
        and modules an import may find), the compiled extensions built in the repository, and the first-party,
        vendored and package names."""
        digest = hashlib.blake2b(digest_size=16)
        digest.update("\0".join(self.files).encode("utf-8", "surrogateescape"))
        names = [sorted(self.first_party), sorted(self.vendored_modules), sorted(self.packages), self.extensions]
        names.append(sorted(self.root_names))
        digest.update(json.dumps(names).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    @cached_property
    def extensions(self) -> list[tuple[str, str]]:
        """(builder module, import name) of the compiled extensions built in the repository."""
        return built_extensions(self.python_modules)

    def kept_sites(self, rel: str, sources: list) -> list[ImportSite]:
        """:meth:`sites`, kept between runs for the file under :attr:`context` (an edit scans the edited file
        only). A file whose scan met a parse problem is not kept: the problem is reported from a fresh scan."""
        project = self.project
        cache = getattr(project, "file_cache", None)
        if cache is None:
            return list(self.sites(rel, sources))
        kept = cache.get(rel, SITES_QUERY)
        if type(kept) is list and len(kept) == 2 and kept[0] == self.context:
            revived = revive_sites(rel, kept[1])
            if revived is not None:
                return revived
        problems = len(project.problems)
        sites = list(self.sites(rel, sources))
        if len(project.problems) == problems:
            value = [self.context, [[site.module, site.line, site.cell, site.json_line] for site in sites]]
            cache.put(rel, SITES_QUERY, value, partial(project.kept_bytes, rel))
        return sites

    def is_vendored(self, rel: str) -> bool:
        """A vendored copy of a third-party package, or a copy of a notebook (its original is checked)."""
        return self.roles is not None and (self.roles.is_vendored(rel) or self.roles.is_copy(rel))

    @cached_property
    def vendored_modules(self) -> frozenset[str]:
        return self.roles.vendored_modules if self.roles is not None else frozenset()

    def sites(self, rel: str, sources: list) -> Iterator[ImportSite]:
        own = self.names_for(rel, sources)
        seen: set[str] = set(KERNEL_MODULES) if in_kernel(sources) else set()
        flags: set[str] = set()
        guards = [guarded_lines(module, flags) for module, _ in sources]
        optional = {
            item.module.split(".")[0]
            for (module, _), guarded in zip(sources, guards, strict=True)
            for item in module.imports
            if item.module and (item.optional or item.line in guarded)
        }
        for (module, cell), guarded in zip(sources, guards, strict=True):
            lazy = lazy_lines(module) if optional and any(item.column > 1 for item in module.imports) else ()
            for item in module.imports:
                if item.optional or item.line in guarded or not is_candidate(item, own):
                    continue
                if item.line in lazy and item.module.split(".")[0] in optional:
                    continue  # an optional backend's module: its other import of the name is guarded
                for name in lookup_names(item):
                    key = lookup_key(name)
                    if key in seen or is_runtime_provided(name):
                        continue
                    seen.add(key)
                    if cell is None:
                        yield ImportSite(name, rel, item.line)
                    else:
                        yield ImportSite(name, rel, item.line, cell.cell, module.file_line(item.line))

    # -- the project's own modules ------------------------------------------------------------------------------
    @cached_property
    def definitions(self) -> dict[str, list[tuple[str, str]]]:
        """Top-level import name -> (folder holding it, path of the module or folder) for every Python module,
        compiled extension and folder with Python code in the repository."""
        found: dict[str, list[tuple[str, str]]] = {}
        folders: set[str] = set()
        for rel in self.files:
            directory, base = posixpath.split(rel)
            stem = base[: -len(".py")] if base.endswith(".py") else None
            compiled = COMPILED_MODULE.match(base)
            if stem is None and compiled is None:
                continue
            name = stem if stem is not None else compiled.group(1)
            if name.isidentifier() and name != "__init__":
                found.setdefault(name, []).append((directory, rel))
            while directory and directory not in folders:
                folders.add(directory)
                parent, folder = posixpath.split(directory)
                if folder.isidentifier():
                    found.setdefault(folder, []).append((parent, directory))
                directory = parent
        for rel, name in self.extensions:  # the built module lands next to its builder
            found.setdefault(name, []).append((posixpath.dirname(rel), posixpath.join(posixpath.dirname(rel), name)))
        return found

    def names_for(self, rel: str, sources: list) -> OwnNames:
        """The project's own import names as seen from file `rel` (see the module docstring)."""
        added, unresolved, outside = path_additions(rel, [module for module, _ in sources])
        written = written_modules(self.notebooks.get(rel))
        clones = self.notebook_clones(rel)
        cloned = frozenset(posixpath.basename(path) for path in clones)
        own = OwnNames(self, rel, frozenset(added), unresolved, written | self.submodule_folders(rel) | cloned)
        own.opaque = self.adds_missing_submodule(added) or adds_folder_in(added, clones) or outside
        return own

    def notebook_clones(self, rel: str) -> frozenset[str]:
        """The folders a notebook's `!git clone URL [folder]` creates that the checkout does not hold (as from the
        notebook's folder or from the root): like a submodule that is not checked out, a clone provides its
        folder's name, and, to a notebook that puts it on `sys.path`, modules nobody can read here."""
        notebook = self.notebooks.get(rel)
        if notebook is None or self.project is None:
            return frozenset()
        here, folders = posixpath.dirname(rel), self.project.folders
        found: set[str] = set()
        for cell in notebook.code_cells:
            if "clone" not in cell.source:
                continue
            for command in cell.commands:
                cloned = cloned_folder(command.argv)
                if cloned is None or cloned[0].startswith(".."):
                    continue
                paths = {cloned[0], posixpath.normpath(posixpath.join(here, cloned[0]))}
                if not paths & folders:  # a clone the checkout holds is read as it is
                    found.update(path for path in paths if not path.startswith(".."))
        return frozenset(found)

    @cached_property
    def missing_submodules(self) -> frozenset[str]:
        """The submodule paths `.gitmodules` declares that are not checked out (no file under them)."""
        if self.project is None:
            return frozenset()
        folders = self.project.folders
        return frozenset(path for path in submodule_paths(self.project) if path not in folders)

    def submodule_folders(self, rel: str) -> frozenset[str]:
        """The folder names of submodules that are not checked out, importable from `rel` (next to it or at the
        root): `import waveglow` is the project's own code even though the checkout has none of it."""
        here = posixpath.dirname(rel)
        return frozenset(
            posixpath.basename(path) for path in self.missing_submodules if posixpath.dirname(path) in ("", here)
        )

    def adds_missing_submodule(self, added: set[str]) -> bool:
        """Whether a folder the file puts on `sys.path` lies in a submodule that is not checked out: then any
        name that is not a well-known third-party package may be one of its modules, which cannot be read."""
        return adds_folder_in(added, self.missing_submodules)

    @cached_property
    def root_names(self) -> frozenset[str]:
        """The names the repository root is imported by as a package when it is checked out under its own name
        (`from vdm.utils import x` in `vdm/experiment.py`, run as `python -m vdm.main` from the folder above):
        the checkout folder's name, the name of the `origin` remote's repository, and the package a root README
        command runs a root module of (`python3 -m vdm.main` with `main.py` at the root)."""
        project = self.project
        if project is None:
            return frozenset()
        found = {project.root.name}
        config = project.root / ".git" / "config"
        try:
            if config.is_file() and config.stat().st_size <= MAX_README:
                text = config.read_text(encoding="utf-8", errors="replace")
                found.update(URL_LINE.findall("\n".join(ORIGIN_URL.findall(text))))
        except OSError:
            pass
        for name in ROOT_READMES:
            if project.exists(name):
                try:
                    text = project.read_text(name, limit=MAX_README)
                except UnreadableFile:
                    break
                found.update(package for package, module in PACKAGE_RUN.findall(text) if self.at_root(module))
                break
        return frozenset(name for name in found if name.isidentifier())

    def at_root(self, name: str) -> bool:
        """Is `name` a module or a folder at the repository root?"""
        project = self.project
        return project.exists(f"{name}.py") or name in project.folders

    def is_root_package(self, item) -> bool:
        """An import of the repository root as a package under one of its :attr:`root_names`: the name itself
        defines nothing in the repository, and what it imports from it is at the root (`import vdm.train_state`
        with `train_state.py` at the root), or the root has an `__init__.py` (a name that a well-known package
        has needs the module at the root)."""
        top, _, rest = item.module.partition(".")
        if self.project is None or top not in self.root_names or top in self.definitions:
            return False
        if rest:
            return self.at_root(rest.split(".")[0])
        if self.project.exists("__init__.py") and top not in WELL_KNOWN:
            return True
        names = [name for name in item.names if name != "*"]
        return bool(names) and all(self.at_root(name) for name in names)

    def is_own(self, name: str, rel: str, added: frozenset[str], unresolved: bool) -> bool:
        if name in self.first_party or name in self.vendored_modules or name.endswith(GENERATED_MODULE_SUFFIXES):
            return True
        here = posixpath.dirname(rel)
        for folder, path in self.definitions.get(name, ()):
            if path == rel or rel.startswith(f"{path}/"):
                continue  # the file itself, or a folder it lives in: never importable from inside under that name
            if folder in added or unresolved:
                return True
            if folder == here and not (name in WELL_KNOWN and folder in self.packages):
                return True
            if name not in WELL_KNOWN:
                return True
        return False


def adds_folder_in(added, missing) -> bool:
    """Whether a folder of `added` (put on `sys.path`) lies in one of the `missing` folders (not checked out)."""
    return any(folder == path or folder.startswith(f"{path}/") for folder in added for path in missing)


def revive_sites(rel: str, kept) -> list[ImportSite] | None:
    """Import sites from their kept form; None when it is not the shape this checker writes (a damaged cache)."""
    if type(kept) is not list:
        return None
    sites = []
    for item in kept:
        if type(item) is not list or len(item) != 4:
            return None
        module, line, cell, json_line = item
        if type(module) is not str or type(line) is not int or not all(v is None or type(v) is int for v in item[2:]):
            return None
        sites.append(ImportSite(module, rel, line, cell, json_line))
    return sites


class OwnNames:
    """Membership test for the project's own top-level names as one file sees them (remembered per name)."""

    def __init__(self, imports: ThirdPartyImports, rel: str, added, unresolved: bool, written: frozenset[str]):
        self.imports, self.rel, self.added, self.unresolved, self.written = imports, rel, added, unresolved, written
        self.known: dict[str, bool] = {}
        self.opaque = False  # the file puts a folder that is not checked out on sys.path

    def __contains__(self, name: str) -> bool:
        known = self.known.get(name)
        if known is None:
            own = name in self.written or self.imports.is_own(name, self.rel, self.added, self.unresolved)
            own = own or (self.opaque and name not in WELL_KNOWN)
            known = self.known[name] = own
        return known

    def enclosing(self, module: str) -> bool:
        """An absolute import of a package that the file lives in (`from dschat.utils import x` inside
        `dschat/rlhf/`), seen when the package is installed or its parent is on the path: own code when the
        package has an `__init__.py` or the import names something that exists inside it (a folder named like a
        third-party package, `examples/tensorflow/`, importing that package stays third-party)."""
        top, _, rest = module.partition(".")
        for _folder, path in self.imports.definitions.get(top, ()):
            if not self.rel.startswith(f"{path}/"):
                continue
            if path in self.imports.packages:
                return True
            child = f"{path}/{rest.split('.')[0]}" if rest else None
            project = self.imports.project
            if child is not None and (project.exists(f"{child}.py") or child in project.folders):
                return True
        return False


# Calls that build a compiled extension module named by their first argument (or `name=`): setuptools and
# distutils `Extension`, torch's `CppExtension`/`CUDAExtension`, pybind11's `Pybind11Extension`, and torch's
# just-in-time `load(name=...)`/`load_inline(name=...)`.
EXTENSION_CALL = lazy_pattern(r"(^|\.)(\w*Extension)$")
EXTENSION_BUILDERS = ("setuptools", "distutils", "cpp_extension", "pybind11", "Cython", "skbuild")
JIT_EXTENSION_CALLS = frozenset({"torch.utils.cpp_extension.load", "torch.utils.cpp_extension.load_inline"})


def built_extensions(python_modules: dict) -> list[tuple[str, str]]:
    """(module path, top-level import name) of every compiled extension a module of the repository builds."""
    found: list[tuple[str, str]] = []
    for rel, module in python_modules.items():
        if not module.mentions("Extension", "cpp_extension") or module.tree is None:
            continue
        if not module.mentions(*EXTENSION_BUILDERS):
            continue  # an `*Extension` class of something else (markdown, jinja2)
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            written = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if EXTENSION_CALL.search(written or "") is None and module.qualname(func) not in JIT_EXTENSION_CALLS:
                continue
            name = next((k.value for k in node.keywords if k.arg == "name"), node.args[0] if node.args else None)
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                top = name.value.split(".")[0]
                if top.isidentifier():
                    found.append((rel, top))
    return found


def in_kernel(sources: list) -> bool:
    """Code that runs in a Jupyter kernel: a notebook, or a helper that imports `google.colab` (Colab only)."""
    if sources and sources[0][1] is not None:
        return True
    return any(item.module.startswith("google.colab") for module, _ in sources for item in module.imports)


def is_candidate(item, own: OwnNames) -> bool:
    if item.level or not item.module:
        return False
    top = item.module.split(".")[0]
    return (
        top not in STDLIB
        and not top.startswith("_")
        and top not in own
        and not own.enclosing(item.module)
        and not own.imports.is_root_package(item)
    )


def lookup_key(name: str) -> str:
    """The part of a dotted name that decides its distribution: the longest prefix the import table knows, one
    level below a namespace (`google.cloud.storage`), else the top-level name."""
    parts = name.split(".")
    for depth in range(len(parts), 1, -1):
        prefix = ".".join(parts[:depth])
        if prefix in IMPORT_TO_DISTRIBUTIONS or ".".join(parts[: depth - 1]) in NAMESPACE_PATTERNS:
            return prefix
    return parts[0]


def is_runtime_provided(name: str) -> bool:
    return any(name == module or name.startswith(f"{module}.") for module in RUNTIME_PROVIDED)


def lookup_names(item) -> list[str]:
    """The dotted names a distribution is looked up by: `from google.cloud import storage, bigquery` gives
    google.cloud.storage and google.cloud.bigquery; any other import its module."""
    if item.module in NAMESPACE_PARENTS and item.names and "*" not in item.names:
        return [f"{item.module}.{name}" for name in item.names]
    return [item.module]


def written_modules(notebook) -> frozenset[str]:
    """Modules a notebook creates itself: `%%writefile helper.py`, `!wget ... -O helper.py`, `!protoc ...`."""
    if notebook is None:
        return frozenset()
    names: set[str] = set()
    for cell in notebook.code_cells:
        for line in cell.source.splitlines():
            if line.lstrip().startswith(("!", "%")):
                names.update(WRITTEN_MODULE.findall(line))
    return frozenset(names)


# -- sys.path additions -------------------------------------------------------------------------------------------
def path_additions(rel: str, modules: list) -> tuple[set[str], bool, bool]:
    """(root-relative folders the file adds to sys.path, whether it adds one that cannot be resolved statically,
    whether it adds an absolute path: a folder outside the repository, such as a container's `/facenet/src`)."""
    folders: set[str] = set()
    unresolved = outside = False
    for module in modules:
        if not module.mentions("sys.path", "addsitedir") or module.tree is None:
            continue
        values = assignments(module.tree)
        for call in calls_to(module, SYS_PATH_CALLS):
            for argument in path_arguments(call):
                resolved = resolve_path(argument, rel, values)
                if resolved is None:
                    unresolved = True
                else:
                    folders.update(resolved)
                    outside = outside or is_absolute(argument, rel, values)
    return folders, unresolved, outside


def is_absolute(node: ast.expr, rel: str, values: dict) -> bool:
    evaluated = evaluate(node, rel, values, 0)
    return bool(evaluated) and evaluated[0].startswith("/")


def calls_to(module, names: frozenset[str]) -> Iterator[ast.Call]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and dotted(node.func) in names:
            yield node


def path_arguments(call: ast.Call) -> list[ast.expr]:
    name = dotted(call.func)
    if name == "sys.path.insert":
        return call.args[1:2]
    if name == "sys.path.extend" and call.args and isinstance(call.args[0], (ast.List, ast.Tuple)):
        return list(call.args[0].elts)
    return call.args[:1]


def assignments(tree: ast.AST) -> dict[str, ast.expr]:
    """Name -> the value of its last plain assignment anywhere in the file (enough for `ROOT = Path(...)`)."""
    values: dict[str, ast.expr] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id] = node.value
    return values


def resolve_path(node: ast.expr, rel: str, values: dict) -> list[str] | None:
    """Root-relative folders `node` may name (None when it is not static, [] when it is outside the repository).
    A relative literal is relative to the working directory, the repository root or the file's folder: both are
    kept."""
    evaluated = evaluate(node, rel, values, 0)
    if not evaluated:
        return None
    if evaluated[0].startswith("/"):
        return []
    path, here = evaluated[0], posixpath.dirname(rel)
    anchored = path.startswith("@")  # relative to the file rather than to the working directory
    candidates = [posixpath.join(here, path[1:])] if anchored else [path, posixpath.join(here, path)]
    folders = [posixpath.normpath(c or ".") for c in candidates]
    return [f if f != "." else "" for f in folders if not f.startswith("..")]


def evaluate(node: ast.expr, rel: str, values: dict, depth: int) -> list[str]:
    """The path an expression builds, as one string: '@x' is relative to the file's folder, 'x' to the working
    directory; [] when it is not static."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        if node.id == "__file__":
            return [f"@{posixpath.basename(rel)}"]
        value = values.get(node.id)
        return evaluate(value, rel, values, depth + 1) if value is not None and depth < 8 else []
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            inner = value.value if isinstance(value, ast.FormattedValue) else value
            text = evaluate(inner, rel, values, depth + 1)
            if not text:
                return []
            parts.append(text[0])
        return ["".join(parts)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Add)):
        left, right = evaluate(node.left, rel, values, depth + 1), evaluate(node.right, rel, values, depth + 1)
        if not left or not right:
            return []
        return [left[0] + right[0]] if isinstance(node.op, ast.Add) else [join(left[0], right[0])]
    if isinstance(node, ast.Attribute):
        base = evaluate(node.value, rel, values, depth + 1)
        if node.attr == "parent" and base:
            return [parent(base[0])]
        return []
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
        base = evaluate(node.value.value, rel, values, depth + 1)
        index = node.slice.value if isinstance(node.slice, ast.Constant) else None
        if base and isinstance(index, int) and 0 <= index < 10:
            path = base[0]
            for _ in range(index + 1):
                path = parent(path)
            return [path]
        return []
    if isinstance(node, ast.Call):
        return evaluate_call(node, rel, values, depth)
    return []


IDENTITY_CALLS = frozenset(
    {"os.path.abspath", "os.path.realpath", "os.path.normpath", "Path", "pathlib.Path", "str", "os.fspath"}
)


def evaluate_call(node: ast.Call, rel: str, values: dict, depth: int) -> list[str]:
    name = dotted(node.func)
    if name == "os.getcwd":
        return [""]
    arguments = [evaluate(a, rel, values, depth + 1) for a in node.args]
    if any(not a for a in arguments):
        return []
    if name in IDENTITY_CALLS and len(arguments) == 1:
        return arguments[0]
    if name in ("Path", "pathlib.Path", "os.path.join") and arguments:
        path = arguments[0][0]
        for more in arguments[1:]:
            path = join(path, more[0])
        return [path]
    if name == "os.path.dirname" and len(arguments) == 1:
        return [parent(arguments[0][0])]
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute") and not node.args:
        return evaluate(node.func.value, rel, values, depth + 1)
    return []


def join(base: str, more: str) -> str:
    if more.startswith("/"):
        return more
    return f"{base}/{more}" if base not in ("", "@") else f"{base}{more}"


def parent(path: str) -> str:
    anchored = path.startswith("@")
    body = path[1:] if anchored else path
    body = posixpath.normpath(body) if body else "."
    up = posixpath.join(body, "..")
    return ("@" if anchored else "") + up


def dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


# -- optional imports ---------------------------------------------------------------------------------------------
def guarded_lines(module, flags: set[str]) -> frozenset[int]:
    """Lines of the imports in `module` that run only when their module is available (see the module docstring).
    `flags` collects availability flags; a notebook's later cells see the flags of earlier ones."""
    nested = any(item.column > 1 for item in module.imports)
    if module.is_notebook_cell and module.mentions(*FLAG_WORDS) and module.tree is not None:
        flags.update(availability_flags(module.tree, flags))  # for this cell and the later ones
    if not nested and not module.mentions(*GUARD_WORDS):
        return frozenset()
    tree = module.tree
    if tree is None:
        return frozenset()
    flags.update(availability_flags(tree, flags))
    lines: set[int] = set()
    Guards(flags, lines).body(tree.body, guarded=False)
    return frozenset(lines)


class Guards:
    """Walks statement lists, noting the import lines reached only under an availability guard."""

    def __init__(self, flags: set[str], lines: set[int]):
        self.flags, self.lines = flags, lines

    def body(self, statements: Iterable[ast.stmt], guarded: bool) -> None:
        for statement in statements:
            self.statement(statement, guarded)
            guarded = guarded or self.guards_rest(statement)

    def statement(self, node: ast.stmt, guarded: bool) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if guarded:
                self.lines.add(node.lineno)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            catches = any(catches_import_error(h) for h in node.handlers)
            # the handlers and the else of a guarded import are its fallback and its sequel
            imports = catches and any(isinstance(child, (ast.Import, ast.ImportFrom)) for child in node.body)
            self.body(node.body, guarded or catches)
            for handler in node.handlers:
                self.body(handler.body, guarded or imports)
            self.body(node.orelse, guarded or imports)
            self.body(node.finalbody, guarded)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.body(node.body, guarded or any(suppresses_import_error(i.context_expr) for i in node.items))
        elif isinstance(node, (ast.If, ast.While)):
            test = guarded or is_availability_test(node.test, self.flags)
            self.body(node.body, test)
            self.body(node.orelse, test)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            decorated = any(is_availability_test(d, self.flags) for d in node.decorator_list)
            self.body(node.body, guarded or decorated)
        elif type(node).__name__ == "Match":
            for case in node.cases:
                self.body(case.body, guarded)
        else:
            for name in ("body", "orelse", "finalbody"):
                statements = getattr(node, name, None)
                if isinstance(statements, list):
                    self.body(statements, guarded)

    def guards_rest(self, node: ast.stmt) -> bool:
        """A statement after which the rest of its block runs only when a module is available."""
        if isinstance(node, ast.If) and is_availability_test(node.test, self.flags) and leaves(node.body):
            return True
        value = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        return isinstance(value, ast.Call) and last_name(value.func) in RUNTIME_REQUIREMENT_CHECKS


def lazy_lines(module) -> frozenset[int]:
    """Lines of the imports inside a function of `module`: they run only when the function is called. In a file
    whose other import of the same name is optional (behind `if not is_torchao_available(): return`, in `try/except
    ImportError`), they are that optional backend's lazy imports, reached on its path only."""
    tree = module.tree
    if tree is None:
        return frozenset()
    return frozenset(
        node.lineno
        for function in ast.walk(tree)
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(function)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    )


def leaves(statements: list[ast.stmt]) -> bool:
    last = statements[-1] if statements else None
    if isinstance(last, (ast.Raise, ast.Return, ast.Continue, ast.Break)):
        return True
    return (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and dotted(last.value.func)
        in (
            "sys.exit",
            "exit",
            "quit",
        )
    )


def suppresses_import_error(node: ast.expr) -> bool:
    """`contextlib.suppress(ImportError)` and the like."""
    if not isinstance(node, ast.Call) or last_name(node.func) != "suppress":
        return False
    return any(last_name(a) in ("ImportError", "ModuleNotFoundError", "Exception") for a in node.args)


def is_availability_test(node: ast.expr, flags: set[str]) -> bool:
    for part in ast.walk(node):
        if isinstance(part, ast.Call):
            name = last_name(part.func)
            if name and (name in AVAILABILITY_CALLS or AVAILABILITY_CALL.match(name)):
                return True
        elif isinstance(part, (ast.Name, ast.Attribute)):
            name = last_name(part)
            if name and (name in flags or AVAILABILITY_FLAG.match(name)):
                return True
        elif isinstance(part, ast.Compare) and is_module_presence(part):
            return True
    return False


def is_module_presence(node: ast.Compare) -> bool:
    """`"google.colab" in sys.modules` or `'google.colab' in str(get_ipython())`."""
    if not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
        return False
    if not any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
        return False
    for right in node.comparators:
        for part in ast.walk(right):
            name = last_name(part) if isinstance(part, (ast.Name, ast.Attribute)) else None
            if name in ("modules", "get_ipython"):
                return True
    return False


def availability_flags(tree: ast.AST, known: set[str]) -> set[str]:
    """Names bound to an availability test (`HAS_WANDB = find_spec("wandb") is not None`), or set to True by a
    `try: import x` guarded by `except ImportError` (two passes: a flag may be computed from another)."""
    flags: set[str] = set(known)
    for _ in range(2):
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and is_availability_test(node.value, flags):
                flags.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.Try) and any(catches_import_error(h) for h in node.handlers):
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and isinstance(statement.value, ast.Constant)
                        and statement.value.value is True
                    ):
                        flags.update(t.id for t in statement.targets if isinstance(t, ast.Name))
    return flags - known


def last_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


@fact
def third_party_imports(project, python_modules, notebook_modules, notebooks, first_party, roles) -> ThirdPartyImports:
    """The project's third-party imports (scanned on first use of `.found`); vendored copies of third-party
    packages are not the project's code, and the modules they define are its own."""
    files = tuple(project.files)
    packages = package_dirs(project)
    return ThirdPartyImports(python_modules, notebook_modules, notebooks, first_party, files, packages, roles, project)
