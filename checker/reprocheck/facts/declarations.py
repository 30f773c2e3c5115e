"""Every place the project names a distribution it needs, by PEP 503 name: `declared_distributions`.

Sources: requirements files (hand-written, `.in` inputs, constraints, and the pins of generated locks),
`pyproject.toml` (PEP 621 dependencies and extras, PEP 735 dependency groups, build requirements, Poetry,
uv and PDM dev tables), `Pipfile`, `setup.cfg`/`setup.py` literals (setup files at the root and in the folder
of each sub-project, see facts/projects.py), conda environments (conda specs mapped to PyPI names, and the
`pip:` section), Replicate Cog's `cog.yaml` (`build.python_packages`), the pins of TOML/JSON/YAML locks, and
install commands in Dockerfiles, CI steps, Makefiles
and scripts. Each declaration keeps its position, and for text that a fix may rewrite (a requirement line, a
pyproject string), where its name is written. A script's PEP 723 inline metadata (`# /// script` ...
`dependencies = [...]` ... `# ///`) declares the distributions of that script alone: `inline_script_dependencies`;
a Metaflow flow's `@pypi_base`/`@pypi`/`@conda_base`/`@conda` decorators those of its folder: `metaflow_dependencies`.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reprocheck.facts import fact
from reprocheck.facts.cog import cog_builds
from reprocheck.facts.conda import parse_match_spec
from reprocheck.facts.locks import as_table
from reprocheck.facts.requirements import (
    RequirementLine,
    looks_like_url,
    name_from_url,
    parse_requirement,
    pinned_version,
)
from reprocheck.facts.shell import Command, parse_install, split_commands, strip_wrappers
from reprocheck.facts.structured import load_setup_cfg, load_toml, tomllib
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.tables.dependency_names import (
    CONDA_NON_PYTHON,
    CONDA_TO_PYPI,
    IMAGE_DISTRIBUTIONS,
    REPOSITORY_PACKAGES,
)

# What a declaration is, by origin: "requirements" (hand-written), "input" (*.in), "constraints", "lock",
# "pyproject", "pipfile", "setup", "conda", "conda-pip", "cog" (Replicate Cog's `build.python_packages`), and for
# install commands the command's origin
# ("dockerfile", "ci", "makefile", "script").
FILE_ORIGINS = frozenset({"requirements", "input", "constraints", "pyproject", "pipfile", "setup", "conda-pip", "cog"})
COMMAND_ORIGINS = frozenset({"dockerfile", "ci", "makefile", "script"})
PIP_INSTALLERS = frozenset({"pip", "uv", "pipx", "poetry", "pipenv"})


@dataclass
class Declaration:
    """One named distribution. `version` is the exact pinned version (`==`/`===`, a lock pin) or None;
    `name_span` (line, column, end column) locates the name as written, `head_span` the name with extras and
    specifier, when a rename can safely rewrite them."""

    path: str
    line: int
    spec: str
    name: str
    raw_name: str
    origin: str
    version: str | None = None
    marker: str | None = None
    column: int | None = None
    group: str | None = None
    url: str | None = None
    name_span: tuple[int, int, int] | None = None
    head_span: tuple[int, int, int] | None = None
    lock: str | None = None  # for origin "lock": the lock kind
    tool: str | None = None  # for install commands: the installer

    @property
    def is_lock_pin(self) -> bool:
        return self.origin == "lock"


def from_requirement_line(entry: RequirementLine, origin: str) -> Declaration | None:
    if entry.name is None:
        return None
    line = entry.line
    return Declaration(
        path=entry.path,
        line=line,
        spec=entry.text,
        name=entry.name,
        raw_name=entry.raw_name or entry.name,
        origin=origin,
        version=entry.pinned_version,
        marker=str(entry.marker) if entry.marker is not None else None,
        column=entry.column,
        url=entry.url,
        name_span=(line, *entry.name_span) if entry.name_span else None,
        head_span=(line, *entry.head_span) if entry.head_span else None,
    )


def from_pep508(path: str, text: str, spec: str, origin: str, group: str, cursor: dict) -> Declaration | None:
    """A PEP 508 string of a TOML/INI file, located by searching its quoted text after the last one found."""
    fields = parse_requirement(spec)
    if "error" in fields or not fields.get("name"):
        return None
    line, column = locate_string(text, spec, cursor)
    specifier = fields.get("specifier")
    declaration = Declaration(
        path=path,
        line=line,
        spec=spec,
        name=fields["name"],
        raw_name=fields["raw_name"],
        origin=origin,
        version=pinned_version(specifier) if specifier is not None else None,
        marker=str(fields["marker"]) if fields.get("marker") is not None else None,
        column=column,
        group=group,
        url=fields.get("url"),
    )
    if column is not None and spec.startswith(fields["raw_name"]):
        head = spec.split(";", 1)[0].rstrip()
        declaration.name_span = (line, column, column + len(fields["raw_name"]))
        if "@" not in head:
            declaration.head_span = (line, column, column + len(head))
    return declaration


def locate_string(text: str, value: str, cursor: dict) -> tuple[int, int | None]:
    """(line, column of the string's first character) of the next quoted occurrence of `value`."""
    start = cursor.get("offset", 0)
    for quote in ('"', "'"):
        index = text.find(f"{quote}{value}{quote}", start)
        if index >= 0:
            cursor["offset"] = index + len(value) + 2
            line = text.count("\n", 0, index) + 1
            column = index - (text.rfind("\n", 0, index) + 1) + 2
            return line, column
    return 1, None


# -- sources -----------------------------------------------------------------------------------------------------
def requirements_declarations(requirements_files, locks) -> list[Declaration]:
    out = []
    for rel, parsed in requirements_files.items():
        if rel in locks:
            origin = "lock"
        elif parsed.is_input:
            origin = "input"
        elif parsed.is_constraints:
            origin = "constraints"
        else:
            origin = "requirements"
        for entry in parsed.requirements:
            declaration = from_requirement_line(entry, origin)
            if declaration is not None:
                declaration.lock = locks[rel].kind if rel in locks else None
                out.append(declaration)
    return out


def pyproject_declarations(project, pyproject, rel: str = "pyproject.toml") -> list[Declaration]:
    if not isinstance(pyproject, dict):
        return []
    text = project.try_read_text(rel) or ""
    out: list[Declaration] = []
    cursor: dict = {}

    def add_list(values, group: str) -> None:
        for value in values if isinstance(values, list) else []:
            if isinstance(value, str):
                declaration = from_pep508(rel, text, value, "pyproject", group, cursor)
                if declaration is not None:
                    out.append(declaration)

    build = pyproject.get("build-system")
    if isinstance(build, dict):
        add_list(build.get("requires"), "build-system")
    table = as_table(pyproject.get("project"))
    add_list(table.get("dependencies"), "dependencies")
    for extra, values in as_table(table.get("optional-dependencies")).items():
        add_list(values, f"optional:{extra}")
    for group, values in as_table(pyproject.get("dependency-groups")).items():
        add_list(values, f"group:{group}")
    tool = as_table(pyproject.get("tool"))
    uv = as_table(tool.get("uv"))
    add_list(uv.get("dev-dependencies"), "group:dev")
    pdm = as_table(tool.get("pdm"))
    for group, values in as_table(pdm.get("dev-dependencies")).items():
        add_list(values, f"group:{group}")
    poetry = as_table(tool.get("poetry"))
    out.extend(poetry_declarations(rel, text, poetry))
    return out


def poetry_version(value) -> tuple[str, str | None]:
    """(spec text, exact version) of a Poetry dependency value (`"1.2.3"` is exact, `"^1.2"` is not)."""
    version = value.get("version") if isinstance(value, dict) else value
    if not isinstance(version, str):
        return "", None
    text = version.strip()
    exact = text.lstrip("=").strip() if re.fullmatch(r"(==?)?\s*\d+(\.\d+)*([a-z]+\d*)?(\.post\d+)?", text) else None
    return text, exact


TOML_KEY_LINE = lazy_pattern(r"""^[ \t]*["']?([^"'=\s]+)["']?\s*=""", re.MULTILINE)


def key_lines(text: str) -> dict[str, int]:
    """Line of the first `name = ...` of each key, found in one pass (a search per name was quadratic)."""
    lines: dict[str, int] = {}
    line, counted = 1, 0
    for match in TOML_KEY_LINE.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        lines.setdefault(match.group(1), line)
    return lines


def poetry_declarations(rel: str, text: str, poetry: dict) -> list[Declaration]:
    tables: list[tuple[str, dict]] = []
    if isinstance(poetry.get("dependencies"), dict):
        tables.append(("dependencies", poetry["dependencies"]))
    if isinstance(poetry.get("dev-dependencies"), dict):
        tables.append(("group:dev", poetry["dev-dependencies"]))
    for group, body in as_table(poetry.get("group")).items():
        if isinstance(body, dict) and isinstance(body.get("dependencies"), dict):
            tables.append((f"group:{group}", body["dependencies"]))
    out = []
    lines = key_lines(text)
    for group, table in tables:
        for name, value in table.items():
            if name.lower() == "python":
                continue
            spec, exact = poetry_version(value)
            line = lines.get(name, 1)
            out.append(
                Declaration(
                    rel,
                    line,
                    f"{name} {spec}".strip(),
                    canonicalize_name(name),
                    name,
                    "pyproject",
                    version=exact,
                    group=group,
                )
            )
    return out


def pipfile_declarations(project) -> list[Declaration]:
    out = []
    for rel in project.named("Pipfile"):
        data = load_toml(project, rel)
        if not isinstance(data, dict):
            continue
        lines = key_lines(project.try_read_text(rel) or "")
        for section in ("packages", "dev-packages"):
            table = data.get(section)
            for name, value in table.items() if isinstance(table, dict) else ():
                spec = value.get("version", "") if isinstance(value, dict) else value
                spec = spec if isinstance(spec, str) else ""
                version = spec[2:].strip() if spec.startswith("==") and "*" not in spec else None
                out.append(
                    Declaration(
                        rel,
                        lines.get(name, 1),
                        f"{name}{spec}",
                        canonicalize_name(name),
                        name,
                        "pipfile",
                        version=version,
                        group=section,
                    )
                )
    return out


def setup_cfg_declarations(project, rel: str = "setup.cfg") -> list[Declaration]:
    if not project.exists(rel):
        return []
    setup = load_setup_cfg(project, rel)
    text = setup.text if setup is not None else ""
    if "install_requires" not in text and "extras_require" not in text:
        return []
    if setup.error is not None:
        project.problem(rel, f"invalid setup.cfg: {setup.error}")
        return []
    values: list[tuple[str, str]] = []
    values += [("dependencies", v) for v in (setup.get("options", "install_requires") or "").splitlines()]
    for extra, block in setup.items("options.extras_require"):
        values += [(f"optional:{extra}", v) for v in block.splitlines()]
    out = []
    for group, value in values:
        value = value.split("#", 1)[0].strip()
        if not value:
            continue
        try:
            requirement = Requirement(value)
        except InvalidRequirement:
            continue
        index = text.find(value)
        out.append(
            Declaration(
                rel,
                text.count("\n", 0, index) + 1 if index >= 0 else 1,
                value,
                canonicalize_name(requirement.name),
                requirement.name,
                "setup",
                version=pinned_version(requirement.specifier),
                group=group,
            )
        )
    return out


def setup_py_declarations(python_modules, rel: str = "setup.py") -> list[Declaration]:
    """Literal `install_requires=[...]` / `extras_require={...}` in a setup.py (never executed); when they are
    computed, the module-level tables of versioned requirements they are computed from."""
    module = python_modules.get(rel)
    if module is None or not module.mentions("install_requires", "extras_require"):
        return []
    tree = module.tree
    out: list[Declaration] = []
    items: list[tuple[str, ast.AST]] = []
    computed = False  # a declaration built by code (`install_requires=deps_list("torch", ...)`)
    lists = named_lists(tree) if tree is not None else {}
    for node in ast.walk(tree) if tree is not None else ():
        if not isinstance(node, ast.keyword) or node.arg not in ("install_requires", "extras_require"):
            continue
        elements = list_elements(node.value, lists)
        if elements is not None:
            items += [("dependencies", e) for e in elements]
            computed = computed or not all(is_string(e) for e in elements)
        elif isinstance(node.value, ast.Dict):
            for key, value in zip(node.value.keys, node.value.values, strict=False):
                elements = list_elements(value, lists)
                if isinstance(key, ast.Constant) and elements is not None:
                    items += [(f"optional:{key.value}", e) for e in elements]
                    computed = computed or not all(is_string(e) for e in elements)
                else:
                    computed = True
        else:
            computed = True
    if computed and tree is not None:
        items += [("dependencies", e) for e in requirement_tables(tree)]
    for group, element in items:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            continue
        try:
            requirement = Requirement(element.value)
        except InvalidRequirement:
            continue
        out.append(
            Declaration(
                rel,
                element.lineno,
                element.value,
                canonicalize_name(requirement.name),
                requirement.name,
                "setup",
                version=pinned_version(requirement.specifier),
                column=element.col_offset + 2,
                group=group,
            )
        )
    return out


def named_lists(tree: ast.Module) -> dict[str, list[ast.AST]]:
    """Module-level names bound once to a list or tuple literal, with what is added to them later at the module
    level (`deps.append("x")`, `deps.extend([...])`, `deps += [...]`, also under an `if`): what a setup.py passes
    as `install_requires=deps`."""
    found: dict[str, list[ast.AST]] = {}
    bound: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in bound:
                found.pop(name, None)  # bound twice: which one is passed depends on the order of execution
            elif isinstance(node.value, (ast.List, ast.Tuple)):
                found[name] = list(node.value.elts)
            bound.add(name)
    for node in module_level_nodes(tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id in found:
            if isinstance(node.op, ast.Add) and isinstance(node.value, (ast.List, ast.Tuple)):
                found[node.target.id] += node.value.elts
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id in found and len(node.args) == 1:
                if node.func.attr == "append":
                    found[owner.id].append(node.args[0])
                elif node.func.attr == "extend" and isinstance(node.args[0], (ast.List, ast.Tuple)):
                    found[owner.id] += node.args[0].elts
    return found


def module_level_nodes(tree: ast.Module):
    """The nodes of statements that run at import time (under `if`/`try`/`for`/`with` too), not in a function or
    class body."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def list_elements(node: ast.AST, lists: dict[str, list[ast.AST]]) -> list[ast.AST] | None:
    """The elements of a list literal, a name bound to one (see :func:`named_lists`) or a sum of these."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts)
    if isinstance(node, ast.Name):
        return lists.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = list_elements(node.left, lists), list_elements(node.right, lists)
        return left + right if left is not None and right is not None else None
    return None


def is_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def requirement_tables(tree: ast.Module) -> list[ast.Constant]:
    """The strings of module-level lists of requirements, mostly versioned (`_deps = ["torch>=2.6", "scipy"]`):
    where a setup.py computes its declarations from such a table, the table is what it declares."""
    found: list[ast.Constant] = []
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if not isinstance(value, (ast.List, ast.Tuple)) or not value.elts or not all(map(is_string, value.elts)):
            continue
        try:
            parsed = [Requirement(element.value) for element in value.elts]
        except InvalidRequirement:
            continue
        versioned = sum(1 for requirement in parsed if requirement.specifier or requirement.url)
        if 2 * versioned >= len(parsed):  # mostly versioned: requirements (a list of plain words may be labels)
            found.extend(value.elts)
    return found


def conda_declarations(conda_environments) -> list[Declaration]:
    out = []
    for rel, env in conda_environments.items():
        for dependency in env.dependencies:
            spec = dependency.spec
            if spec.name in CONDA_NON_PYTHON:
                continue
            name = canonicalize_name(CONDA_TO_PYPI.get(spec.name, spec.name))
            out.append(
                Declaration(
                    rel,
                    dependency.line,
                    spec.raw,
                    name,
                    spec.name,
                    "conda",
                    version=spec.pinned_version,
                    column=dependency.column,
                )
            )
        if env.pip is not None:
            for entry in env.pip.requirements:
                declaration = from_requirement_line(entry, "conda-pip")
                if declaration is not None:
                    out.append(declaration)
    return out


def cog_declarations(project) -> list[Declaration]:
    """The `build.python_packages` of each Replicate Cog `cog.yaml` (`torchvision==0.11.1`): pip installs them
    into the image Cog builds."""
    out = []
    for cog in cog_builds(project):
        for spec, line in cog.python_packages:
            fields = parse_requirement(spec)
            if "error" in fields or not fields.get("name") or fields.get("local_path"):
                continue
            specifier = fields.get("specifier")
            out.append(
                Declaration(
                    cog.path,
                    line,
                    spec,
                    fields["name"],
                    fields["raw_name"],
                    "cog",
                    version=pinned_version(specifier) if specifier is not None else None,
                    marker=str(fields["marker"]) if fields.get("marker") is not None else None,
                    url=fields.get("url"),
                )
            )
    return out


def lock_declarations(locks) -> list[Declaration]:
    """Pins of the locks that are not requirements files (those are read as requirements above)."""
    out = []
    for lock in locks.values():
        if lock.requirements is not None:
            continue
        for package in lock.packages:
            name = package.name
            if package.manager == "conda":
                name = canonicalize_name(CONDA_TO_PYPI.get(name, name))
            out.append(
                Declaration(
                    lock.path,
                    package.line,
                    f"{package.name}=={package.version}",
                    name,
                    package.name,
                    "lock",
                    version=package.version,
                    lock=lock.kind,
                )
            )
    return out


def install_declarations(shell_commands) -> list[Declaration]:
    """Packages named on installer command lines (`pip install numpy==1.26.4`, `conda install numpy=1.26`)."""
    out = []
    for sourced in shell_commands:
        install = parse_install(sourced.command)
        if (
            install is None
            or install.tool not in (*PIP_INSTALLERS, "conda")
            or install.action not in ("install", "add", "inject", "create", "update", "upgrade")
        ):
            continue
        for index, package in enumerate(install.packages):
            line = install.package_lines[index] if index < len(install.package_lines) else sourced.line
            declaration = command_declaration(sourced, install.tool, package, line)
            if declaration is not None:
                out.append(declaration)
    return out


def command_declaration(sourced, tool: str, package: str, line: int) -> Declaration | None:
    if tool == "conda":
        spec = parse_match_spec(package)
        if spec is None or spec.name in CONDA_NON_PYTHON:
            return None
        name = canonicalize_name(CONDA_TO_PYPI.get(spec.name, spec.name))
        return Declaration(
            sourced.path, line, package, name, spec.name, sourced.origin, version=spec.pinned_version, tool=tool
        )
    if tool == "poetry" and "@" in package and not package.startswith(("git+", "http")):
        name, _, version = package.partition("@")
        exact = version if re.fullmatch(r"\d+(\.\d+)*", version) else None
        return Declaration(
            sourced.path, line, package, canonicalize_name(name), name, sourced.origin, version=exact, tool=tool
        )
    fields = parse_requirement(package)
    if "error" in fields or not fields.get("name") or fields.get("local_path"):
        return None
    specifier = fields.get("specifier")
    return Declaration(
        sourced.path,
        line,
        package,
        fields["name"],
        fields["raw_name"],
        sourced.origin,
        version=pinned_version(specifier) if specifier is not None else None,
        marker=str(fields["marker"]) if fields.get("marker") is not None else None,
        url=fields.get("url"),
        tool=tool,
    )


def sub_project_setups(project, python_modules, projects) -> list[Declaration]:
    """The setup files (`pyproject.toml`, `setup.cfg`, `setup.py`) of the projects below the root."""
    out: list[Declaration] = []
    for folder in sorted(projects.folders - {""}):
        manifest = f"{folder}/pyproject.toml"
        if project.exists(manifest):
            out += pyproject_declarations(project, load_toml(project, manifest), manifest)
        out += setup_cfg_declarations(project, f"{folder}/setup.cfg")
        out += setup_py_declarations(python_modules, f"{folder}/setup.py")
    return out


@fact
def declared_distributions(
    project, pyproject, requirements_files, locks, conda_environments, python_modules, shell_commands, projects
) -> dict[str, list[Declaration]]:
    """Every declaration by PEP 503 name, in a stable order (files, then locks, then install commands). Setup
    files are read at the root and in each project's folder (facts/projects.py)."""
    found: list[Declaration] = [
        *requirements_declarations(requirements_files, locks),
        *pyproject_declarations(project, pyproject),
        *pipfile_declarations(project),
        *setup_cfg_declarations(project),
        *setup_py_declarations(python_modules),
        *sub_project_setups(project, python_modules, projects),
        *conda_declarations(conda_environments),
        *cog_declarations(project),
        *lock_declarations(locks),
        *install_declarations(shell_commands),
    ]
    by_name: dict[str, list[Declaration]] = {}
    for declaration in found:
        by_name.setdefault(declaration.name, []).append(declaration)
    return by_name


# -- what each project declares -------------------------------------------------------------------------------------
@dataclass
class ProjectDeclarations:
    """The distributions each project declares (facts/projects.py): what an import in a file may rely on."""

    projects: object  # facts/projects.Projects
    by_project: dict[str, frozenset[str]]
    everywhere: frozenset[str]
    root_declares: bool  # the root project declares its environment at the root (or in a requirements/ folder)
    documented: dict[str, frozenset[str]] = field(default_factory=dict)  # folder -> its README's `pip install`s

    def visible_from(self, path: str) -> tuple[str, frozenset[str]]:
        """(the project of `path`, the names its code may import): those declared by its project and by the root
        project, and those the README of a folder holding it (below the root) tells users to install for it. A
        root that keeps no environment of its own at the root (a course whose modules each declare theirs) gives
        nothing to the other projects, and its own loose code may rely on any declaration. A project that declares
        nothing of its own (an extension's `setup.py` without requirements) is the root's here: what its code
        misses, the root's declarations miss."""
        folder = self.projects.owner(path)
        names = self.by_project.get(folder, frozenset()) if folder else frozenset()
        if self.root_declares:
            names |= self.by_project.get("", frozenset())
            if folder and folder not in self.by_project:
                folder = ""  # a project that declares nothing of its own imports what the root declares
        names = names or self.everywhere
        for documented, installed in self.documented.items():
            if not documented or path.startswith(documented + "/"):  # "": a ROS package at the root
                names |= installed
        return folder, names


@fact
def project_declarations(declared_distributions, projects, documented_installs) -> ProjectDeclarations:
    """`declared_distributions` sorted by the project each declaration belongs to."""
    by_project: dict[str, set[str]] = {}
    root_declares = False
    for name, declarations in declared_distributions.items():
        for item in declarations:
            owner = projects.owner(item.path)
            by_project.setdefault(owner, set()).add(name)
            root_declares = root_declares or (owner == "" and projects.at_root(item.path))
    frozen = {folder: frozenset(names) for folder, names in by_project.items()}
    everywhere = frozenset(declared_distributions)
    return ProjectDeclarations(projects, frozen, everywhere, root_declares, documented_installs)


# -- what a folder's README tells users to install ------------------------------------------------------------------
README_NAME = lazy_pattern(r"(?i)^readme(?:\.(?:md|markdown|rst|txt))?$")
# A `pip install` command on a line of its own (in a code block or not; a shell prompt, `!` or `%` may lead it).
CODE_SPAN = lazy_pattern(r"`+([^`]+)`+")
README_INSTALL = lazy_pattern(r"^\s*(?:[$>]\s*|!|%)?((?:python3?\s+-m\s+)?(?:pip3?|uv\s+pip)\s+install\s.*)$")
# A `git clone` or a `cd` step (the README's clones, and whether later installs run inside one).
README_STEP = lazy_pattern(r"^\s*(?:[$>]\s*|!|%)?((?:git\s+clone|cd)\s.*)$")


@fact
def documented_installs(project) -> dict[str, frozenset[str]]:
    """Folder -> the distributions the README of that folder (below the root) tells users to `pip install` for
    its code: a tool or example kept in a sub-folder (`utils/flask_rest_api/`, `competitions/task_2/`) documents
    its own extra packages there. The root README is the project's, whose declarations belong in its files. A
    repository the README tells users to `git clone` into the folder counts too, under its folder's name (code
    there imports it: `git clone https://github.com/pgcorpus/gutenberg` then `from gutenberg.src import ...`). A ROS
    package's `package.xml` declares the ROS packages its code imports, for its folder."""
    found: dict[str, frozenset[str]] = {}
    for rel, steps in readme_steps(project).items():
        names = {*steps["installs"], *steps["clones"]}
        if names:
            found[rel.rsplit("/", 1)[0]] = frozenset(canonicalize_name(name) for name in names)
    for folder, names in ros_package_dependencies(project).items():
        found[folder] = found.get(folder, frozenset()) | names
    return found


# A ROS package manifest (`package.xml`, formats 1 to 3) and its dependency elements; comments are dropped first.
ROS_PACKAGE = lazy_pattern(r"<package[\s>]")
ROS_DEPEND = lazy_pattern(
    r"<(?:depend|build_depend|build_export_depend|exec_depend|run_depend|test_depend)(?:\s[^>]*)?>"
    r"\s*([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*</"
)
XML_COMMENT = lazy_pattern(r"<!--.*?-->", re.DOTALL)
# What rospy always brings (its own dependencies): a node imports them without naming them.
ROSPY_BRINGS = ("roslib", "rosgraph", "genpy", "rospkg")
ROSDEP_PYTHON = lazy_pattern(r"^python3?-(?=.)")


def ros_package_dependencies(project) -> dict[str, frozenset[str]]:
    """Folder of a ROS package (`package.xml` below the root) -> the ROS packages its manifest depends on
    (`<depend>`, `<build_depend>`, `<exec_depend>` ...): rosdep installs them, and the package's scripts import
    them under the same names (`cv_bridge`, `rospy`, `sensor_msgs`)."""
    found: dict[str, frozenset[str]] = {}
    for rel in project.select(lambda path: path == "package.xml" or path.endswith("/package.xml")):
        try:
            text = XML_COMMENT.sub("", project.read_text(rel))
        except UnreadableFile:
            continue
        if not ROS_PACKAGE.search(text):
            continue
        names = set(ROS_DEPEND.findall(text))
        # rosdep keys of Python packages name them after their Debian packages: `python3-numpy` installs numpy
        names.update([ROSDEP_PYTHON.sub("", name) for name in names if ROSDEP_PYTHON.match(name)])
        if "rospy" in names:
            names.update(ROSPY_BRINGS)
        if names:
            found[rel.rsplit("/", 1)[0] if "/" in rel else ""] = frozenset(canonicalize_name(n) for n in names)
    return found


def readme_steps(project) -> dict[str, dict]:
    """README (below the root) -> what its command lines do (JSON data, kept by the README's content)."""
    found: dict[str, dict] = {}
    for rel in project.select(lambda path: "/" in path and README_NAME.match(path.rsplit("/", 1)[-1]) is not None):
        found[rel] = project.remembered("readme-steps", rel, lambda rel=rel: readme_installs(project, rel))
    return found


@fact
def external_requirements(project, shell_commands) -> frozenset[str]:
    """Folders (below the root) whose code may import what a cloned repository's own requirements install: a
    script of the folder, or its README, clones a repository and installs its requirements (`git clone .../e2e
    && pip install -r e2e/requirements.txt`, `cd GenerationEval && ./install_dependencies.sh`). Those
    requirements are not in this repository, so no import there can be called undeclared."""
    folders: set[str] = set()
    own = own_repositories(project)
    for rel, steps in readme_steps(project).items():
        if outside(project, rel.rsplit("/", 1)[0], steps["external"], own):
            folders.add(rel.rsplit("/", 1)[0])
    by_script: dict[str, list[Command]] = {}
    for sourced in shell_commands:
        if sourced.origin == "script" and "/" in sourced.path:
            by_script.setdefault(sourced.path, []).append(sourced.command)
    for rel, commands in by_script.items():
        if outside(project, rel.rsplit("/", 1)[0], clone_effects(commands).external, own):
            folders.add(rel.rsplit("/", 1)[0])
    return frozenset(folders)


@fact
def notebooks_installing_clone_requirements(project, notebooks) -> frozenset[str]:
    """Notebooks that clone a repository and install its own requirements into their kernel (`!git clone
    .../DeOldify`, `%cd DeOldify`, `!pip install -r colab_requirements.txt`): like a folder's script that does so
    (external_requirements), what they import may come from a file that is not in this repository."""
    found: set[str] = set()
    own: frozenset[str] | None = None
    for rel, notebook in notebooks.items():
        commands = notebook_commands(notebook)
        if not any(cloned_folder(strip_wrappers(c.argv)) for c in commands):
            continue
        effects = clone_effects(commands)
        if not effects.external:
            continue
        own = own_repositories(project) if own is None else own
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if outside(project, folder, effects.external, own):
            found.add(rel)
    return frozenset(found)


# `%cd folder` in a notebook (IPython's magic, also written without `%`): later commands run in that folder.
NOTEBOOK_CD = lazy_pattern(r"^\s*%?cd\s+(?P<target>[^\s;#&|]+)\s*$")
COLAB_WORKING_FOLDER = "/content/"  # Colab's working folder: `%cd /content/yolov5` enters the clone `yolov5`


def notebook_commands(notebook) -> list[Command]:
    """A notebook's shell commands in order, with each `%cd` as a `cd` (relative to Colab's working folder)."""
    commands: list[Command] = []
    for cell in notebook.cells:
        if not cell.is_code or not cell.python:
            continue
        moves = []
        for number, text in enumerate(cell.source.splitlines(), start=1):
            match = NOTEBOOK_CD.match(text)
            if match is not None and text.lstrip().startswith("%"):
                target = match.group("target").strip("'\"")
                if target.startswith(COLAB_WORKING_FOLDER):
                    target = target[len(COLAB_WORKING_FOLDER) :] or "."
                moves.extend(split_commands(f"cd {target}", first_line=number))
        commands.extend(sorted([*cell.commands, *moves], key=lambda command: command.line))
    return commands


def outside(project, folder: str, installed: list, own: frozenset[str]) -> bool:
    """Whether one of the files a clone's install reads (`[path, implied, owner/name]`: written from the folder,
    or `implied` as run inside the clone) is not in this repository. A clone of the repository itself (`git clone
    .../LoRA; cd LoRA; pip install -r requirement.txt`: its `owner/name` is linked from the root README or the
    setup files, the file it installs is in the folder, or a path with a folder of its own that the root has,
    `requirements/prod.in`) installs the repository's own requirements."""
    prefix = f"{folder}/" if folder else ""
    for path, implied, slug in installed:
        if slug in own or project.exists(f"{prefix}{path}"):
            continue
        if implied and any(rel.startswith(prefix) and rel.endswith(f"/{path}") for rel in project.files):
            continue
        if implied and "/" in path and project.exists(path):
            continue  # run inside the clone, a path of the repository's own layout (`requirements/prod.in`)
        return True
    return False


def readme_installs(project, rel: str) -> dict:
    """What the command lines of a README do: the distributions (PEP 503 names) of its `pip install` lines, the
    folders its `git clone` lines create, and whether it installs a cloned repository's own requirements."""
    steps: dict = {"installs": [], "clones": [], "external": []}
    try:
        text = project.read_text(rel)
    except UnreadableFile:
        return steps
    if "install" not in text and "clone" not in text:
        return steps
    names: set[str] = set()
    commands: list[str] = []
    sequence: list[Command] = []
    for line in text.splitlines():
        for candidate in (line, *CODE_SPAN.findall(line)):  # a line of its own, or `pip install x` in a sentence
            match = README_INSTALL.match(candidate)
            if match is not None:
                commands.append(match.group(1))
                sequence.extend(split_commands(match.group(1)))
            elif (match := README_STEP.match(candidate)) is not None:
                sequence.extend(split_commands(match.group(1)))
    for found in commands:
        for command in split_commands(found):
            install = parse_install(command)
            if install is None or install.tool != "pip":
                continue
            for package in install.packages:
                fields = parse_requirement(package)
                # A wheel or archive URL (a nightly build) names no release anyone can install again: not counted.
                if "error" in fields or fields.get("local_path") or fields.get("url"):
                    continue
                if fields.get("name"):
                    names.add(fields["name"])
    effects = clone_effects(sequence)
    steps["installs"] = sorted(names | effects.installed)
    steps["clones"] = sorted(effects.clones)
    steps["external"] = effects.external
    return steps


# -- repositories cloned by the commands of a script, a Dockerfile or a README ------------------------------------
GITHUB_REPOSITORY = lazy_pattern(
    r"(?<![\w.-])github\.com[/:]([\w.-]+/[\w.-]+?)(?:\.git)?(?=[/#?\s)\]\"'`>]|$)", re.IGNORECASE
)
OWN_LINK_FILES = frozenset({"setup.py", "setup.cfg", "pyproject.toml"})


def own_repositories(project) -> frozenset[str]:
    """The `owner/name` (lower case) of the GitHub repositories the root README and setup files link to: the
    repository's own address is among them."""
    found: set[str] = set()
    for rel in project.select(lambda path: "/" not in path and (path in OWN_LINK_FILES or README_NAME.match(path))):
        found.update(project.remembered("github-links", rel, lambda rel=rel: github_links(project, rel)))
    return frozenset(found)


def github_links(project, rel: str) -> list[str]:
    text = project.try_read_text(rel) or ""
    return sorted({match.lower() for match in GITHUB_REPOSITORY.findall(text)})


# Options of `git clone` that take a value (the rest are flags).
GIT_CLONE_VALUE_OPTIONS = frozenset(
    {
        "-b", "--branch", "-o", "--origin", "-u", "--upload-pack", "--reference", "--reference-if-able",
        "--separate-git-dir", "-c", "--config", "--depth", "--shallow-since", "--shallow-exclude", "-j", "--jobs",
        "--filter", "--template", "--server-option", "--bundle-uri",
    }
)  # fmt: skip
# Programs that run a script given as their first argument (`bash install.sh`).
SCRIPT_RUNNERS = frozenset({"sh", "bash", "zsh", "source", "."})


def cloned_folder(argv: list[str], absolute: bool = False) -> tuple[str, str, str] | None:
    """(folder, repository name, `owner/name` in lower case) of a `git clone URL [folder]` command; None for any
    other command, and for a clone into an absolute folder unless `absolute` (a Dockerfile's `/deps/sgm`)."""
    if len(argv) < 3 or posixpath.basename(argv[0]) != "git":
        return None
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in ("-C", "-c") else 1
    if i >= len(argv) or argv[i] != "clone":
        return None
    positionals: list[str] = []
    j = i + 1
    while j < len(argv):
        if argv[j] == "--":
            positionals += argv[j + 1 :]
            break
        if argv[j].startswith("-"):
            j += 2 if argv[j] in GIT_CLONE_VALUE_OPTIONS else 1
            continue
        positionals.append(argv[j])
        j += 1
    if not positionals:
        return None
    parts = re.split(r"[/:]", positionals[0].rstrip("/"))
    repository = parts[-1].removesuffix(".git")
    folder = positionals[1].rstrip("/") if len(positionals) > 1 else repository
    if not repository or not folder or folder.startswith(("~", "$")) or (folder.startswith("/") and not absolute):
        return None
    slug = f"{parts[-2]}/{repository}".lower() if len(parts) > 1 else repository.lower()
    return posixpath.normpath(folder), repository, slug


@dataclass
class CloneEffects:
    """What a sequence of commands does with the repositories it clones: `clones` are the folders it clones into,
    `installed` the clones it installs as packages (`cd apex && pip install .`, `python setup.py install` inside the
    clone), and `external` the files of a clone it installs from (`pip install -r e2e/requirements.txt`,
    `./install_dependencies.sh` inside the clone), each `[path, implied, owner/name]`: as written from where the
    commands start, or (implied) run inside the clone. Whether those files are outside this repository is
    `outside`'s to say."""

    clones: set[str] = field(default_factory=set)
    installed: set[str] = field(default_factory=set)
    external: list = field(default_factory=list)


def clone_effects(commands: list[Command]) -> CloneEffects:
    """Follows `git clone`, `cd` into a clone and installs from it, in order (a `cd` elsewhere leaves the clone)."""
    effects = CloneEffects()
    clones: dict[str, tuple[str, str, str]] = {}  # folder -> (folder, repository name, owner/name)
    inside: str | None = None  # the clone the commands run in, after `cd` into it

    def in_clone(path: str) -> str | None:
        path = posixpath.normpath(path) if path else "."
        if path.startswith("/"):  # a clone into an absolute folder, installed by its path
            return next((folder for folder in clones if folder.startswith("/") and path == folder), None)
        if inside is not None and not path.startswith(".."):
            return inside
        return next((folder for folder in clones if path == folder or path.startswith(folder + "/")), None)

    for command in commands:
        argv = strip_wrappers(command.argv)
        if not argv:
            continue
        cloned = cloned_folder(argv, absolute=True)
        if cloned is not None:
            clones[cloned[0]] = cloned
            if not cloned[0].startswith("/"):  # a folder beside the code, which may import it by its name
                effects.clones.add(cloned[0].split("/")[-1])
            continue
        if argv[0] == "cd":
            target = posixpath.normpath(argv[1]) if len(argv) > 1 else "/"
            inside = next((f for f in clones if target == f or target.startswith(f + "/")), None)
            continue
        install = parse_install(command)
        if install is not None:
            if install.tool not in PIP_INSTALLERS:
                continue
            for target in [*install.local_paths, *install.editables]:
                folder = in_clone(target)
                if folder is not None and posixpath.normpath(target) in (".", folder):
                    effects.installed.update({clones[folder][1], folder.split("/")[-1]})
                    effects.installed.update(REPOSITORY_PACKAGES.get(clones[folder][2], ()))
            for rel in install.requirement_files:
                folder = in_clone(rel)
                if folder is not None:
                    effects.external.append([posixpath.normpath(rel), inside is not None, clones[folder][2]])
            continue
        program = argv[0]
        if re.match(r"python[\d.]*$", posixpath.basename(program)) and argv[1:3] in (
            ["setup.py", "install"],
            ["setup.py", "develop"],
        ):
            if inside is not None:  # `cd vision && python setup.py develop`
                effects.installed.update({clones[inside][1], inside.split("/")[-1]})
                effects.installed.update(REPOSITORY_PACKAGES.get(clones[inside][2], ()))
            continue
        script = argv[1] if posixpath.basename(program) in SCRIPT_RUNNERS and len(argv) > 1 else program
        folder = in_clone(script) if "install" in posixpath.basename(script).lower() else None
        if folder is not None:
            effects.external.append([posixpath.normpath(script), inside is not None, clones[folder][2]])
    return effects


# -- what is installed without a declaration naming it -------------------------------------------------------------
# A requirement written in a comment (`# clearml>=1.2.0  # logging`): the author lists it as optional on purpose.
COMMENTED_REQUIREMENT = lazy_pattern(
    r"^\s*#+\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*((?:[<>=!~]=?|===?)\s*[\w.*+!-]+\s*,?\s*)*(#.*)?$"
)


@fact
def implicit_distributions(project, dockerfiles, shell_commands, requirements_files) -> frozenset[str]:
    """Distributions present without a declaration that names them (DEP004 counts them as provided): those of a
    Dockerfile's base image, those installed from a local folder or a VCS URL (`pip install ./apex`, `-e
    git+https://...CLIP`, `git clone .../apex && cd apex && pip install .`, named after the folder or
    repository, and the packages of a repository known to install another name: `sgm` from
    Stability-AI/generative-models), requirements commented out in a requirements file (listed as optional on
    purpose), and `cog` where a Replicate Cog `cog.yaml` builds the image (Cog installs its own package, which the
    predictor imports: `from cog import BasePredictor`)."""
    names: set[str] = set()
    if cog_builds(project):
        names.add("cog")
    names.update(image_distributions(dockerfiles))
    names.update(path_installs(shell_commands))
    names.update(commented_requirements(project, requirements_files))
    return frozenset(canonicalize_name(n) for n in names)


def image_distributions(dockerfiles) -> Iterator[str]:
    for dockerfile in dockerfiles.values():
        for stage in dockerfile.stages:
            yield from IMAGE_DISTRIBUTIONS.get(stage.base.name, ())


def path_installs(shell_commands) -> Iterator[str]:
    by_file: dict[str, list[Command]] = {}
    for sourced in shell_commands:
        by_file.setdefault(sourced.path, []).append(sourced.command)
    for commands in by_file.values():  # `git clone .../apex && cd apex && pip install .`
        yield from clone_effects(commands).installed
    for sourced in shell_commands:
        install = parse_install(sourced.command)
        if install is None or install.tool not in PIP_INSTALLERS:
            continue
        for target in [*install.local_paths, *install.editables]:
            name = name_from_url(target)[0] if looks_like_url(target) else target.rstrip("/").rsplit("/", 1)[-1]
            if name and name not in (".", ".."):
                yield name
        for target in [*install.packages, *install.local_paths, *install.editables]:
            for slug in GITHUB_REPOSITORY.findall(target) if "github" in target.lower() else ():
                yield from REPOSITORY_PACKAGES.get(slug.lower(), ())  # `pip install git+https://...generative-models`


def commented_requirements(project, requirements_files) -> Iterator[str]:
    for rel, parsed in requirements_files.items():
        if parsed is None or parsed.is_lock or parsed.has_via:
            continue  # a generated lock's comments are provenance, not requirements
        for line in (project.try_read_text(rel) or "").splitlines():
            match = COMMENTED_REQUIREMENT.match(line)
            if match:
                yield match.group(1)


# -- a script's docstring ---------------------------------------------------------------------------------------------
# A module's docstring: a triple-quoted string before any statement (after comments, a shebang, blank lines).
MODULE_DOCSTRING = lazy_pattern(
    r'\A(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*[rRuU]?(?P<quote>"""|\'\'\')(?P<text>.*?)(?P=quote)', re.DOTALL
)


def docstring_installs(text: str | None) -> frozenset[str]:
    """The distributions (PEP 503 names) a module's docstring tells users to `pip install` (`Requirements: pip
    install optimum-habana neural-compressor[pt]`): the script documents its own requirements where its reader
    reads them, as a folder's README does for the folder (none when the module has no docstring or no such line)."""
    if not text or "install" not in text:
        return frozenset()
    match = MODULE_DOCSTRING.match(text)
    docstring = match.group("text") if match is not None else ""
    return text_installs(docstring)


def text_installs(text: str) -> frozenset[str]:
    """The distributions (PEP 503 names) that the lines of a text meant for a reader (a docstring, a notebook's
    markdown or raw cell) tell to `pip install`, on a line of their own or in a code span."""
    if "install" not in text:
        return frozenset()
    names: set[str] = set()
    for line in text.splitlines():
        for candidate in (line, *CODE_SPAN.findall(line)):
            match = README_INSTALL.match(candidate)
            if match is None:
                continue
            for command in split_commands(match.group(1)):
                install = parse_install(command)
                if install is None or install.tool != "pip":
                    continue
                for package in install.packages:
                    fields = parse_requirement(package)
                    if "error" not in fields and fields.get("name") and not fields.get("url"):
                        names.add(fields["name"])
    return frozenset(names)


# -- PEP 723 inline script metadata ---------------------------------------------------------------------------------
INLINE_METADATA = lazy_pattern(r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$")


def inline_script_dependencies(text: str | None) -> frozenset[str]:
    """The distributions (PEP 503 names) a script declares in its PEP 723 `# /// script` block (none when the
    block is absent, unparsable or lists no dependencies)."""
    if not text or "# /// script" not in text:
        return frozenset()
    match = next((m for m in INLINE_METADATA.finditer(text) if m.group("type") == "script"), None)
    if match is None:
        return frozenset()
    content = "".join(
        line[2:] if line.startswith("# ") else line[1:] for line in match.group("content").splitlines(keepends=True)
    )
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError:
        return frozenset()
    names: set[str] = set()
    for item in data.get("dependencies", []) if isinstance(data.get("dependencies"), list) else []:
        try:
            names.add(canonicalize_name(Requirement(str(item)).name))
        except InvalidRequirement:
            continue
    return frozenset(names)


# -- Metaflow flow decorators ---------------------------------------------------------------------------------------
# `@pypi_base(packages={...})` and `@conda_base(libraries={...})` on a FlowSpec class, `@pypi(packages=...)` and
# `@conda(libraries=...)` on a step: Metaflow builds the flow's (step's) environment from them, name -> version.
METAFLOW_DECORATORS = {"pypi_base": "packages", "pypi": "packages", "conda_base": "libraries", "conda": "libraries"}
METAFLOW_IMPORT = lazy_pattern(r"(?m)^\s*(from\s+metaflow\b|import\s+metaflow\b)")


def metaflow_dependencies(text: str | None) -> frozenset[str]:
    """The distributions (PEP 503 names) a Metaflow flow file declares in its `@pypi_base`/`@pypi` `packages=`
    and `@conda_base`/`@conda` `libraries=` decorators (read statically: a dict literal, a module-level name bound
    to one, or `**PARAMS` bound to a dict literal with that key). They provide the file's imports, as a PEP 723
    block does a script's. Nothing for a file that does not import metaflow."""
    if not text or not METAFLOW_IMPORT.search(text) or not any(f"@{name}" in text for name in METAFLOW_DECORATORS):
        return frozenset()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return frozenset()
    bound: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            bound[node.target.id] = node.value

    def literal(node: ast.expr | None) -> ast.expr | None:
        return bound.get(node.id) if isinstance(node, ast.Name) else node

    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            func = decorator.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            key = METAFLOW_DECORATORS.get(called)
            if key is None:
                continue
            for keyword in decorator.keywords:
                if keyword.arg == key:
                    value = literal(keyword.value)
                elif keyword.arg is None:  # `@pypi(**PARAMS)`
                    value = literal(_dict_entry(literal(keyword.value), key))
                else:
                    continue
                if isinstance(value, ast.Dict):
                    names.update(_decorator_names(value, conda=key == "libraries"))
    return frozenset(names)


def _decorator_names(mapping: ast.Dict, *, conda: bool) -> Iterator[str]:
    for key in mapping.keys:
        if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
            continue
        text = key.value.strip()
        if conda:
            text = text.rsplit("::", 1)[-1]  # `conda-forge::pkg`
            spec = parse_match_spec(text)
            if spec is None or spec.name in CONDA_NON_PYTHON:
                continue
            yield canonicalize_name(CONDA_TO_PYPI.get(spec.name, spec.name))
            continue
        try:
            yield canonicalize_name(Requirement(text).name)
        except InvalidRequirement:
            continue


def _dict_entry(node: ast.expr | None, key: str) -> ast.expr | None:
    """The value of a dict literal's string `key`, or None."""
    if not isinstance(node, ast.Dict):
        return None
    entries = zip(node.keys, node.values, strict=True)
    return next((v for k, v in entries if isinstance(k, ast.Constant) and k.value == key), None)
