"""Whether the project is an application or a library, and why (LCK001 and DEP001 expect pins only of applications).

The `project-type` setting wins when it is set. Otherwise a project that publishes to PyPI is a library: its CI
uploads distributions (`pypa/gh-action-pypi-publish`, `twine upload`, `uv publish`, `hatch publish`,
`flit publish`, `poetry publish`), or its README tells users to install it by its own name (`pip install
<project name>`, `conda install -c <channel> <project name>`) or from this repository (`pip install
git+https://…/<repository>`), or its root setup file carries the trove classifier `Topic :: Software
Development :: Libraries` and claims several Python versions. Anything else is an application.
`pip install -e .` and `pip install -r requirements.txt` in a README are how applications are set up, and say
nothing.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reprocheck.facts import fact
from reprocheck.facts.conda import parse_match_spec
from reprocheck.facts.roles import root_project_names
from reprocheck.facts.shell import parse_install, split_commands
from reprocheck.patterns import lazy_pattern
from reprocheck.tables.publishing import INSTALL_IN_TEXT, PUBLISH_ACTIONS, PUBLISH_COMMANDS, README_NAMES

# How to say which it is, for messages of the rules that depend on it.
# The trove classifier of distributions that others build on.
LIBRARY_CLASSIFIER = "Topic :: Software Development :: Libraries"
PYTHON_CLASSIFIER = lazy_pattern(r"Programming Language :: Python :: (3\.\d+)")
LIBRARY_HINT = 'a library needs no pins: if this is one, set `project-type = "library"` in [tool.reprocheck]'
PYTHON_PROGRAM = lazy_pattern(r"^python(\d+(\.\d+)?)?$")
GIT_URL_TAIL = lazy_pattern(r"/([^/@#?]+?)(?:\.git)?/?(?:[@#?].*)?$")


@dataclass(frozen=True)
class ProjectKind:
    """The effective project type: `kind` is "application" or "library"; `reason` says where it comes from."""

    kind: str
    reason: str
    explicit: bool = False
    path: str | None = None
    line: int | None = None

    @property
    def is_library(self) -> bool:
        return self.kind == "library"


@fact
def project_kind(project, settings, ci_configs, shell_commands, python_modules) -> ProjectKind:
    """The project type: the `project-type` setting when set, else detected from publishing, else application."""
    source = settings.sources.get("project-type", "default")
    if source != "default":
        return ProjectKind(settings.project_type, f"set by project-type ({source})", explicit=True)
    names = root_project_names(project, python_modules)
    detected = publishing_step(ci_configs, shell_commands) or readme_install(project, names) or classified(project)
    return detected or ProjectKind("application", "the default (no PyPI publishing found)")


def classified(project) -> ProjectKind | None:
    """A root setup file whose trove classifiers call the distribution a library and claim several Python
    versions (an application runs on one; a research repository's copied classifier block names one)."""
    for setup in ("pyproject.toml", "setup.cfg", "setup.py"):
        text = project.try_read_text(setup) if project.exists(setup) else None
        index = (text or "").find(LIBRARY_CLASSIFIER)
        if index >= 0 and len(set(PYTHON_CLASSIFIER.findall(text))) >= 2:
            line = text.count("\n", 0, index) + 1
            return library(f"{setup} classifies it as a library ({LIBRARY_CLASSIFIER})", setup, line)
    return None


def publishing_step(ci_configs, shell_commands) -> ProjectKind | None:
    """The first CI step that uploads distributions to a package index."""
    for config in ci_configs:
        for use in config.uses:
            if use.action in PUBLISH_ACTIONS:
                return library(f"publishes to PyPI: {use.action} in {config.path}", config.path, use.line)
    for sourced in shell_commands:
        if sourced.origin != "ci":
            continue
        words = program_words(sourced.command.argv)
        if tuple(words[:2]) in PUBLISH_COMMANDS:
            return library(
                f"publishes to PyPI: `{' '.join(words[:2])}` in {sourced.path}",
                sourced.path,
                sourced.line,
            )
    return None


def program_words(argv: list[str]) -> list[str]:
    """The command without a `python -m` prefix: `python -m twine upload x` -> [twine, upload, x]."""
    if len(argv) >= 3 and PYTHON_PROGRAM.match(posixpath.basename(argv[0])) and argv[1] == "-m":
        return argv[2:]
    return [posixpath.basename(argv[0]), *argv[1:]] if argv else []


def library(reason: str, path: str, line: int) -> ProjectKind:
    return ProjectKind("library", reason, path=path, line=line)


def readme_install(project, names: set[str]) -> ProjectKind | None:
    """A root README line that installs the project by its own name or by a git URL of this repository."""
    repository = canonicalize_name(project.root.name)
    wanted = {name.lower(): order for order, name in enumerate(README_NAMES)}
    readmes = sorted(
        (rel for rel in project.files if "/" not in rel and rel.lower() in wanted), key=lambda r: wanted[r.lower()]
    )
    for readme in readmes:
        text = project.try_read_text(readme, "README")
        for number, line in enumerate((text or "").splitlines(), start=1):
            for match in INSTALL_IN_TEXT.finditer(line):
                found = installs_itself(line[match.start() :].split("`")[0], names, repository)
                if found:
                    tool, target = found
                    return library(f"{readme} tells users to `{tool} install {target}`", readme, number)
    return None


def installs_itself(command_text: str, names: set[str], repository: str) -> tuple[str, str] | None:
    """(installer, package) of an install command that installs this project (by name, or a git URL ending in
    its name); a conda install counts by the project's own name only (`conda install -c owner name`)."""
    commands = split_commands(command_text)
    install = parse_install(commands[0]) if commands else None
    if install is None or install.action not in ("install", "add"):
        return None
    if install.tool == "conda":
        for package in install.packages:
            spec = parse_match_spec(package)
            if spec is not None and canonicalize_name(spec.name) in names:
                return "conda", package
        return None
    for package in install.packages:
        if package.startswith("git+"):
            tail = GIT_URL_TAIL.search(package.split("#")[0])
            if tail and canonicalize_name(tail.group(1)) in names | {repository}:
                return "pip", package
            continue
        try:
            requirement = Requirement(package)
        except InvalidRequirement:
            continue
        if requirement.url is None and canonicalize_name(requirement.name) in names:
            return "pip", package
    return None
