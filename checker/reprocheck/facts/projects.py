"""Independent projects in one repository: the modules of a course, one folder per example, services.

A course monorepo keeps twenty sub-projects side by side, each with its own requirements file, Pipfile or
Dockerfile; their pins have nothing to do with each other. The cross-file rules (DEP004, DEP005, ENV002) judge
each project on its own. Every file belongs to the nearest project above it (the root project last); a CI file
belongs to the project that all its run steps work in (`working-directory`), if there is one.

A folder is a project of its own when it holds a declaration (`pyproject.toml` with a `[project]`, Poetry or
build table, `setup.py`, `requirements*.txt`/`.in`, `Pipfile`, `environment*.yml`) and is not part of another:
- it has code of its own (Python files or notebooks that no deeper project claims), unless its declaration
  stands alone: a setup builds a distribution from its folder and pipenv keeps one environment per Pipfile
  folder. A `requirements/` or `envs/` folder of lists, or a `docker/` folder, serves the project above it;
- it is not a sub-package of the root project: no folder above it (below the root) is a Python package, and it
  is not itself a top-level package of a root distribution, unless it builds a distribution of its own (a
  `setup.py` beside an `__init__.py` is a module of the package, not a setup);
- it is not alone: a root that declares nothing with one folder that does (`src/requirements.txt`) is one
  project, whose declarations live in a folder;
- it is not a test, docs or dev-container folder (by the `roles` setting): their declarations serve the project
  they test, document or develop.

The `projects` setting (gitignore globs of folders) names the projects instead; the shallowest folders that a
glob matches are projects, and nothing is detected.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import cached_property

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.facts.conda import is_environment_file
from reprocheck.facts.structured import load_toml
from reprocheck.project import gitignore_spec

# A setup builds a distribution from its own folder; a Pipfile makes its folder one pipenv environment.
DISTRIBUTION_FILES = ("pyproject.toml", "setup.py")
STANDALONE_FILES = (*DISTRIBUTION_FILES, "Pipfile")
PYPROJECT_DECLARING_TABLES = ("project", "build-system", "dependency-groups")
# Roles whose folders serve the project around them (their test, docs or development environment).
SERVING_ROLES = frozenset({"test", "docs", "devcontainer"})
# Folders that hold lists or the container build of the project above them, whatever else they hold.
SERVING_FOLDERS = frozenset(
    {"requirements", "reqs", "envs", "environments", "conda", "deps", "binder", ".binder", "docker", ".docker"}
)


@dataclass(frozen=True)
class ProjectFolder:
    """One project: `folder` is root-relative ("" for the root project), `declarations` the files declaring it
    (its own and those of the folders that serve it), `reason` why it is a project."""

    folder: str
    declarations: tuple[str, ...]
    reason: str

    @property
    def label(self) -> str:
        return f"{self.folder}/" if self.folder else "./"


@dataclass
class Projects:
    """The projects of the repository (the root project first) and which one each path belongs to."""

    found: tuple[ProjectFolder, ...]
    workflows: dict[str, str] = field(default_factory=dict)  # CI file -> the project all its steps work in
    _owners: dict[str, str] = field(default_factory=dict, repr=False)

    @cached_property
    def folders(self) -> frozenset[str]:
        return frozenset(p.folder for p in self.found)

    def owner(self, path: str) -> str:
        """The folder of the project that `path` (a file, or a folder ending in `/`) belongs to."""
        if path in self.workflows:
            return self.workflows[path]
        return owner_among(self.folders, path, self._owners)

    @staticmethod
    def at_root(path: str) -> bool:
        """Whether `path` declares the root project's environment where it is usually kept: at the root or in a
        folder of lists (`requirements/dev.txt`), rather than in a docs, tests or course-module folder."""
        folder = posixpath.dirname(path)
        return not folder or folder.split("/")[0] in SERVING_FOLDERS


def owner_among(folders: frozenset[str], path: str, cache: dict[str, str]) -> str:
    """The deepest of `folders` above `path` ("" for the root); answers are kept in `cache` by folder."""
    start = posixpath.dirname(path)
    if start not in cache:
        folder = start
        while folder and folder not in folders:
            folder = posixpath.dirname(folder)
        cache[start] = folder
    return cache[start]


def is_declaration(project, rel: str) -> bool:
    base = filekinds.name(rel)
    if base == "pyproject.toml":
        data = load_toml(project, rel)
        tool = data.get("tool") if isinstance(data, dict) else None
        poetry = isinstance(tool, dict) and isinstance(tool.get("poetry"), dict)
        return isinstance(data, dict) and (poetry or any(key in data for key in PYPROJECT_DECLARING_TABLES))
    if base == "setup.py":  # next to an __init__.py it is a module of the package, not a setup
        return not is_package(project, posixpath.dirname(rel))
    return base == "Pipfile" or filekinds.is_requirements(rel) or is_environment_file(project, rel)


def declaring_folders(project) -> dict[str, list[str]]:
    """Folder -> the declaration files directly in it (templates of generated projects left out)."""
    found: dict[str, list[str]] = {}
    for rel in project.files:
        if not filekinds.is_template(rel) and is_declaration(project, rel):
            found.setdefault(posixpath.dirname(rel), []).append(rel)
    return found


def is_package(project, folder: str) -> bool:
    return project.exists(f"{folder}/__init__.py")


def builds_distribution(declarations: list[str]) -> bool:
    return any(filekinds.name(rel) in DISTRIBUTION_FILES for rel in declarations)


def serves_another(project, roles, folder: str, declarations: list[str], root_is_distribution: bool) -> bool:
    """Whether the declarations of `folder` belong to a project above it (see the module docstring)."""
    if filekinds.name(folder) in SERVING_FOLDERS or roles.role(declarations[0]) in SERVING_ROLES:
        return True
    if builds_distribution(declarations):
        return False
    parent = posixpath.dirname(folder)
    while parent:
        if is_package(project, parent):
            return True  # a sub-package: its files ship with the package above
        parent = posixpath.dirname(parent)
    return root_is_distribution and is_package(project, folder) and posixpath.dirname(folder) in ("", "src")


def code_owners(project, candidates: set[str]) -> set[str]:
    """The candidate folders that some Python file or notebook belongs to (its nearest candidate above)."""
    owning: set[str] = set()
    for rel in project.files:
        if not (filekinds.is_python(rel) or filekinds.is_notebook(rel)):
            continue
        folder = posixpath.dirname(rel)
        while folder and folder not in candidates:
            folder = posixpath.dirname(folder)
        if folder:
            owning.add(folder)
    return owning


def detected_folders(project, roles, declaring: dict[str, list[str]]) -> dict[str, str]:
    """Folder -> why it is a project of its own, found from declarations and code."""
    root_is_distribution = builds_distribution(declaring.get("", []))
    candidates = {
        folder
        for folder, declarations in declaring.items()
        if folder and not serves_another(project, roles, folder, declarations, root_is_distribution)
    }
    with_code = code_owners(project, candidates)
    found: dict[str, str] = {}
    for folder in sorted(candidates):
        if folder in with_code:
            found[folder] = "its own declarations and code"
        elif any(filekinds.name(rel) in STANDALONE_FILES for rel in declaring[folder]):
            found[folder] = "a setup or Pipfile of its own"
    if len(found) == 1 and "" not in declaring:
        return {}  # one project whose declarations live in a folder (`src/requirements.txt`): the repository's
    return found


def configured_folders(project, patterns: list[str]) -> dict[str, str]:
    """The shallowest folders that the `projects` globs match."""
    spec = gitignore_spec(patterns)
    matched = {folder for folder in project.folders if spec.match_file(f"{folder}/")}
    shallowest = {f for f in matched if not any(f.startswith(f"{other}/") for other in matched)}
    return dict.fromkeys(sorted(shallowest), "set by projects")


def workflow_projects(ci_configs, folders: frozenset[str]) -> dict[str, str]:
    """CI file -> the project its run steps all work in (`working-directory`), when that is a project's folder."""
    found: dict[str, str] = {}
    cache: dict[str, str] = {}
    for config in ci_configs:
        steps = [step.folder for step in config.run_steps]
        owners = {owner_among(folders, f"{folder}/", cache) for folder in steps if folder}
        if steps and all(steps) and len(owners) == 1 and "" not in owners:
            found[config.path] = owners.pop()
    return found


@fact
def projects(project, settings, roles, ci_configs) -> Projects:
    """The repository's projects; see the module docstring."""
    declaring = declaring_folders(project)
    if settings.projects:
        reasons = configured_folders(project, settings.projects)
    else:
        reasons = detected_folders(project, roles, declaring)
    folders = frozenset(["", *reasons])
    owned: dict[str, list[str]] = {}
    cache: dict[str, str] = {}
    for declarations in declaring.values():
        for rel in declarations:
            owned.setdefault(owner_among(folders, rel, cache), []).append(rel)
    root = ProjectFolder("", tuple(owned.get("", ())), "the repository root")
    others = (ProjectFolder(folder, tuple(owned.get(folder, ())), why) for folder, why in reasons.items())
    return Projects((root, *others), workflow_projects(ci_configs, folders))
