"""ENV: the Python interpreter — pinned somewhere, and the same minor version everywhere."""

from __future__ import annotations

import itertools
import posixpath
import re
from collections import Counter

from reprocheck import filekinds
from reprocheck.facts.conda import environment_files
from reprocheck.facts.python_versions import CONDA_INSTALLER_PIN, SITE_HOST_RUNTIME, single_minor, versioned_installers
from reprocheck.facts.roles import is_readme
from reprocheck.facts.shell import MAX_DOCUMENT_BYTES, page_commands, strip_wrappers
from reprocheck.findings import Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.project import UnreadableFile
from reprocheck.rule import Rule

# Which pin is the reference when minor versions disagree and are equally common (first wins).
SOURCE_PRIORITY = (
    ".python-version",
    "runtime.txt",
    ".tool-versions",
    "Pipfile",
    "base image",
    "cog.yaml",
    "conda",
    CONDA_INSTALLER_PIN,
    "pip-compile header",
    "CI python-version",
)
CI_PIN = "CI python-version"
# Images whose version tag decides the Python inside (ENV001): deep-learning framework images.
PYTHON_SHIPPING_IMAGES = (
    "pytorch/pytorch", "nvcr.io/nvidia/pytorch", "tensorflow/tensorflow", "nvcr.io/nvidia/tensorflow",
    "huggingface/transformers-", "rocm/pytorch", "jupyter/", "quay.io/jupyter/",
    "continuumio/miniconda3", "continuumio/anaconda3",
)  # fmt: skip
# OS images whose release decides the version of its `python3` package.
VERSIONED_OS_IMAGES = frozenset({"ubuntu", "debian", "nvidia/cuda", "fedora", "rockylinux", "almalinux"})
OS_PACKAGE_INSTALL = re.compile(r"\b(?:apt-get|apt|dnf|yum|apk)\b[\s\S]*\b(?:install|add)\b")
OS_PYTHON_PACKAGE = re.compile(r"(?<![\w.-])python3(?:\.\d+)?(?![\w.-])")
# An OS package of one Python minor version (`python3.11`, `python3.11-dev`, `python3.8-venv`, from the distribution
# or a PPA such as deadsnakes): whatever the base image, that is the interpreter installed.
OS_VERSIONED_PYTHON_PACKAGE = re.compile(r"python3\.\d+(?:-(?:dev|venv|full|distutils|minimal))?(?:=\S*)?")


class UnpinnedPython(Rule):
    """
    ## What it does
    Reports a Python project (Python files, notebooks or dependency declarations) that pins its interpreter's
    minor version nowhere. Only explicit pins count: `.python-version`, `runtime.txt`, `.tool-versions`, Pipfile
    `[requires]`, a `python:3.X…` base image, a conda `python=3.X` (in any file whose content is a conda
    environment, whatever its name: `requirements.yaml`, `env.yml`), the `python` package of a conda lock (an
    `@EXPLICIT` export such as `spec-file.txt`, or conda-lock), a versioned conda installer that a Dockerfile,
    CI step or script downloads or runs (`Miniconda3-py38_4.12.0-Linux-x86_64.sh`, `Miniconda3-4.5.4-…`, which
    ships Python 3.6, `Anaconda3-2020.02-…`, `Miniforge3-23.3.1-0-…`; `Miniconda3-latest-…` is no pin), a
    pip-compile header ("with Python 3.X"),
    a single CI `python-version`, the `build.python_version` of a Replicate Cog `cog.yaml`, or a
    `requires-python` that admits one minor version (`==3.11.*`). A range
    such as `requires-python = ">=3.10"` or a CI matrix of several versions is not a pin. A root Dockerfile (the
    project's own environment, not an extra image under `docker/`) whose image's version tag decides the
    interpreter counts: a framework or conda image that ships Python (`pytorch/pytorch:2.3.0-…`,
    `continuumio/miniconda3:4.10.3`), or a versioned OS image whose own `python3` package the Dockerfile
    installs; so does one that installs the OS package of one Python minor version whatever its base
    (`apt-get install python3.11-dev` from the deadsnakes PPA). A command that creates an environment with a
    Python minor version in a Dockerfile, CI step or shell script (`pyenv install 3.9.5`, `python3.11 -m venv
    /venv`, `uv venv --python 3.11`) counts, and so does one in a
    shell block of the root README, a docs page, an install page (`INSTALL.md`, `get_started.md`,
    `docs/installation.md`, at the root or in the folder of the finding), or the README of
    the folder where the finding would be (`conda create -n env python=3.8`, `pyenv install 3.10.4`,
    `uv venv --python 3.11`, `python3.10 -m venv .venv`): users are told which Python to use, an explicit pin
    (a bare `python=3` or `conda create -n env python` is not). So does a sentence of such a README that names
    the one Python to use (`Install python3.8`, `The basic Runtime Environment is python3.6`, a list item
    `- Python 3.6.6` among the versions used; a range such as
    `Python 3.8+` is not). Libraries are exempt
    (they support a range; see LCK001 for how a project is found to be one).

    The finding sits at the declaration of the Python range (`requires-python`), else `pyproject.toml`, the
    requirements or conda environment file nearest the root, the file declaring the dependencies, the install
    page, and only when there is none of these at the code file nearest the root.

    ## Why it matters
    The same lock installs different wheels, or fails to install, on another Python; the standard library and
    numerics change between minor versions. Without a pin each machine uses whatever Python it has.

    ## Example
    A repository with `requirements.txt` and `train.py`, `requires-python = ">=3.9"`, and nothing else naming a
    Python version.

    ## Fix
    Add a `.python-version` (`3.11`), use a `python:3.11-slim` base image, or `python=3.11` in
    `environment.yml`, and compile the lock with that Python.
    """

    code = "ENV001"
    name = "unpinned-python"
    severity = Severity.WARNING
    summary = "The Python version is pinned nowhere"

    def check(
        self,
        project,
        project_kind,
        python_pins,
        requires_python,
        declared_distributions,
        requirements_files,
        dockerfiles,
        documented_commands,
        shell_commands,
    ):
        if python_pins or project_kind.is_library:
            return  # a library supports a range of Pythons; the applications that use it pin one
        if any(next(versioned_installers(sourced.command.text), None) for sourced in shell_commands):
            return  # a versioned Miniconda/Miniforge installer whose Python is not in our table still fixes one
        if any(pins_python(sourced.command.argv) for sourced in shell_commands):
            return  # a script, Dockerfile or CI step creates the environment with a Python minor version
        if requires_python is not None and single_minor(requires_python.specifier) is not None:
            return
        if any(image_fixes_python(dockerfile) for path, dockerfile in dockerfiles.items() if "/" not in path):
            return  # the project runs in its root image, whose tag decides the interpreter
        anchor = anchor_of(project, requires_python, requirements_files, declared_distributions)
        if anchor is not None and install_pins_python(project, anchor[0]):
            return  # INSTALL.md / get_started.md creates the environment with a pinned Python
        if anchor is None:
            return
        path, line = anchor
        if documents_python_pin(project, documented_commands, path):
            return  # the README's setup commands create the environment with a pinned Python
        if readme_states_python(project, path):
            return  # "Install python3.8": the README tells users which Python to use
        ranged = f" (requires-python {requires_python.text} is a range)" if requires_python is not None else ""
        message = (
            f"the Python version is pinned nowhere{ranged}; add a .python-version (e.g. 3.11), "
            "a python:3.X base image or a conda python=3.X pin"
        )
        yield self.finding(message, path, line)


CONDA_PROGRAMS = frozenset({"conda", "mamba", "micromamba"})
CONDA_PYTHON_SPEC = lazy_pattern(r"^python\s*=?=\s*3\.\d+(\.[\d*]+)?$", re.IGNORECASE)
MINOR_VERSION = lazy_pattern(r"^3\.\d+(\.\d+)?$")
VERSIONED_PYTHON = lazy_pattern(r"^python3\.\d+$")


def pins_python(argv: list[str]) -> bool:
    """Whether a setup command creates an environment with a Python minor version: `conda create ... python=3.8`
    (`conda install python=3.8`), `pyenv install|local|global|virtualenv 3.10.4`, `uv venv --python 3.11`
    (`uv python install|pin 3.11`), `virtualenv -p python3.8`, `python3.10 -m venv .venv`."""
    argv = strip_wrappers(argv)
    if not argv:
        return False
    program = argv[0].rsplit("/", 1)[-1]
    if program in CONDA_PROGRAMS and len(argv) > 1 and argv[1] in ("create", "install"):
        return any(CONDA_PYTHON_SPEC.match(arg) for arg in argv[2:])
    if program == "pyenv" and len(argv) > 2 and argv[1] in ("install", "local", "global", "virtualenv"):
        return any(MINOR_VERSION.match(arg) for arg in argv[2:])
    if program == "uv" and len(argv) > 2:
        if argv[1] == "python" and argv[2] in ("install", "pin"):
            return any(MINOR_VERSION.match(arg) for arg in argv[3:])
        if argv[1] == "venv":
            values = [b for a, b in itertools.pairwise(argv) if a in ("--python", "-p")]
            values += [a.split("=", 1)[1] for a in argv if a.startswith("--python=")]
            return any(MINOR_VERSION.match(v) or VERSIONED_PYTHON.match(v) for v in values)
    if program == "virtualenv":
        values = [b for a, b in itertools.pairwise(argv) if a in ("--python", "-p")]
        return any(MINOR_VERSION.match(v) or VERSIONED_PYTHON.match(v.rsplit("/", 1)[-1]) for v in values)
    if VERSIONED_PYTHON.match(program):
        return argv[1:3] == ["-m", "venv"] or argv[1:3] == ["-m", "virtualenv"]
    return False


# A Markdown page that tells how to install the project: `INSTALL.md`, `get_started.md`, `docs/installation.md`,
# `GETTING_STARTED.md`, `setup.md`, `quick_start.md`, `environment.md`.
INSTALL_PAGE = lazy_pattern(
    r"^(?:install(?:ation|ing)?|setup|get[_-]?started|getting[_-]?started|quick[_-]?start|environment)"
    r"(?:[_-][\w-]*)?\.md$",
    re.IGNORECASE,
)


def is_install_page(rel: str) -> bool:
    return bool(INSTALL_PAGE.match(filekinds.name(rel)))


def install_pages(project, anchor: str) -> list[str]:
    """The project's Markdown install pages: at the root, under a top-level `docs/` (`doc/`) folder, or in a
    folder holding `anchor` (the sub-project the finding belongs to); shallowest first. A page of another folder
    (a vendored detection toolbox's INSTALL.md) is another project's."""
    folders = set(anchor_folders(anchor))
    found = [
        rel
        for rel in project.select(is_install_page)
        if rel.startswith(("docs/", "doc/")) or (rel.rsplit("/", 1)[0] if "/" in rel else "") in folders
    ]
    return sorted(found, key=lambda rel: (rel.count("/"), rel))


def anchor_folders(anchor: str) -> list[str]:
    """`a/b/file` -> ["", "a", "a/b"]: the root and the folders holding `anchor`."""
    parts = anchor.split("/")[:-1]
    return ["", *("/".join(parts[:i]) for i in range(1, len(parts) + 1))]


def install_pins_python(project, anchor: str) -> bool:
    """Whether an install page of the project (`INSTALL.md`, `get_started.md`, `docs/install.md`) creates the
    environment with a Python minor version in a shell block (`conda create -n swin python=3.7 -y`)."""
    return any(
        pins_python(command.argv) for rel in install_pages(project, anchor) for command in page_commands(project, rel)
    )


def documents_python_pin(project, documented_commands, anchor: str) -> bool:
    """Whether the root README or a docs page, or the README of a folder holding `anchor` (the sub-project the
    finding belongs to), creates the environment with a Python minor version in a shell block."""
    if any(pins_python(sourced.command.argv) for sourced in documented_commands):
        return True
    folders = []
    folder = anchor.rsplit("/", 1)[0] if "/" in anchor else ""
    while folder:
        folders.append(folder)
        folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
    for rel in project.select(is_readme):
        if "/" not in rel or rel.rsplit("/", 1)[0] not in folders or not rel.lower().endswith(".md"):
            continue
        if any(pins_python(command.argv) for command in page_commands(project, rel)):
            return True
    return False


# A README sentence that tells which Python to use: "Install python3.8", "The basic Runtime Environment is
# python3.6", "Tested with Python 3.10"; ranges ("Python 3.8+", ">= 3.8", "3.8 or later") are no pin.
STATED_PYTHON = re.compile(
    r"\b(?:install|use|using|requires?|runtime|environment|tested (?:on|with)|built with|developed (?:on|with))\b"
    r"[^.\n]{0,40}?\bpython\s?(3\.\d{1,2})(?:\.\d+)?"
    r"(?![\d.]*\s*(?:\+|or (?:later|higher|above|newer)|and (?:above|up)))",
    re.IGNORECASE,
)
# A README list item that gives the Python version among the versions used ("- Python 3.6.6" in a Requirements list,
# "* python: 3.8").
STATED_PYTHON_ITEM = re.compile(
    r"^[ \t]*[-*+][ \t]+\[?python\]?(?:\([^)\n]*\))?[ \t]*:?[ \t]*v?(3\.\d{1,2})(?:\.\d+)?[ \t]*$", re.I | re.M
)
PYTHON_RANGE = lazy_pattern(r"(?:>=?|~=|\^)\s*3\.\d|python\s?3\.\d+\s*\+", re.IGNORECASE)


def readme_states_python(project, anchor: str) -> bool:
    """Whether the root README or the README of a folder holding `anchor` says in words which one Python minor
    version to use (`Install python3.8`, `The basic Runtime Environment is python3.6`)."""
    folders = {""}
    folder = anchor.rsplit("/", 1)[0] if "/" in anchor else ""
    while folder:
        folders.add(folder)
        folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
    for rel in project.select(is_readme):
        if (rel.rsplit("/", 1)[0] if "/" in rel else "") not in folders:
            continue
        try:
            text = project.read_text(rel, MAX_DOCUMENT_BYTES)
        except UnreadableFile:
            continue
        stated = {match.group(1) for pattern in (STATED_PYTHON, STATED_PYTHON_ITEM) for match in pattern.finditer(text)}
        if len(stated) == 1 and not PYTHON_RANGE.search(text):
            return True
    return False


def image_fixes_python(dockerfile) -> bool:
    """Whether a Dockerfile fixes the Python version: it installs an OS package of one Python minor version
    (`apt-get install python3.11-dev`, from deadsnakes or the distribution), or its final stage runs on an image
    whose version tag decides the Python version: a framework image that ships Python
    (`pytorch/pytorch:1.5-cuda10.1-cudnn7-runtime`), or a versioned OS image whose own `python3` package the
    Dockerfile installs (`ubuntu:18.04` + `apt-get install python3`)."""
    installs = [run for stage in dockerfile.stages for run in stage.runs if OS_PACKAGE_INSTALL.search(run.script)]
    if any(installs_versioned_python(run) for run in installs):
        return True
    stage = dockerfile.final_stage
    while stage is not None and stage.parent is not None:
        stage = dockerfile.stages[stage.parent]
    base = stage.base if stage is not None else None
    if base is None or not base.tag or base.tag == "latest" or not any(ch.isdigit() for ch in base.tag):
        return False
    if base.name.startswith(PYTHON_SHIPPING_IMAGES):
        return True
    return base.name in VERSIONED_OS_IMAGES and any(OS_PYTHON_PACKAGE.search(run.script) for run in installs)


OS_INSTALLERS = frozenset({"apt-get", "apt", "dnf", "yum", "microdnf", "apk"})


def installs_versioned_python(run) -> bool:
    """Whether a RUN installs an OS package of one Python minor version (`apt-get install -y python3.11-dev`)."""
    for command in run.commands():
        argv = strip_wrappers(command.argv)
        if not argv or argv[0].rsplit("/", 1)[-1] not in OS_INSTALLERS or not {"install", "add"} & set(argv[1:]):
            continue
        if any(OS_VERSIONED_PYTHON_PACKAGE.fullmatch(arg) for arg in argv[1:]):
            return True
    return False


def anchor_of(project, requires_python, requirements_files, declared_distributions) -> tuple[str, int] | None:
    """Where a repository-level interpreter finding belongs, or None for a repository without Python."""
    if requires_python is not None:
        return requires_python.path, requires_python.line
    if project.exists("pyproject.toml"):
        return "pyproject.toml", 1
    if requirements_files:
        return shallowest(requirements_files), 1
    conda = environment_files(project)
    if conda:
        return shallowest(conda), 1
    if declared_distributions:
        first = next(iter(declared_distributions.values()))[0]
        return first.path, 1
    pages = install_pages(project, "")
    if pages:
        return pages[0], 1  # how to install the project is where the pin belongs
    code = project.select(lambda rel: filekinds.is_python(rel) or filekinds.is_notebook(rel))
    if code:
        return shallowest(code), 1
    return None


def shallowest(paths) -> str:
    """The file nearest the root (then the first by name): a repository-wide finding belongs up there."""
    return min(paths, key=lambda rel: (rel.count("/"), rel))


class PythonVersionMismatch(Rule):
    """
    ## What it does
    Compares every explicit Python pin (`.python-version`, `runtime.txt`, `.tool-versions`, Pipfile, base images
    `python:3.X`, a Cog `cog.yaml` `build.python_version`, conda `python=3.X`, the pip-compile header, a single
    CI `python-version`) and reports each pin
    whose minor version differs from the others (the most common one, or the first by that order), and each
    pin outside `requires-python`. A CI matrix of several versions is testing, not a pin, and is not compared;
    a workflow's single version is compared with the environment's pins, never with another workflow's.
    Pins are compared within one project: the sub-projects of a course or monorepo (a folder with its own
    declaration and code, or with a `pyproject.toml`, `setup.py` or `Pipfile`; or the `projects` setting) are
    judged apart from each other and from the rest of the repository. Within a project, a pin in a file is
    compared only with pins in its own folder, the folders above it and those below it: two sibling folders
    (`09-serverless/code/Dockerfile` and `09-serverless/workshop/Dockerfile`, two cohorts' homework Pipfiles) are
    separate environments (a CI pin speaks for the whole repository). A CI file belongs to the project that
    all its steps work in (`working-directory`). A `runtime.txt` that a static-site host reads (Netlify: a bare
    version such as `3.9`, or a `netlify.toml` next to it) is the docs deployment's Python, not compared; Heroku,
    Binder and Cloud Foundry write it `python-3.X`, and those are.

    ## Why it matters
    The lock was compiled for Python 3.11 but the image runs 3.12: wheels differ, some have no build for that
    version, and the experiment that runs is not the one that was tested.

    ## Example
    `.python-version` says `3.11`, the Dockerfile starts `FROM python:3.12-slim`.

    ## Fix
    Choose one minor version and use it everywhere (and inside `requires-python`); recompile the lock with it.
    """

    code = "ENV002"
    name = "python-version-mismatch"
    severity = Severity.WARNING
    summary = "The Python minor version disagrees across sources"
    preview = (
        "sampled findings judged worth acting on: 0 of 14 (7 repositories): the versions compared were mostly"
        " unrelated jobs (docs builds, multi-version test matrices, separate sub-projects)"
    )

    def check(self, python_pins, requires_python, projects):
        reported: set[tuple[str, int]] = set()
        by_project: dict[str, list] = {}
        for pin in python_pins:
            if pin.source != SITE_HOST_RUNTIME:  # the docs host's Python, not the project's
                by_project.setdefault(projects.owner(pin.path), []).append(pin)
        for pins in by_project.values():
            yield from self.disagreements(pins, reported)
        if requires_python is None:
            return
        for pin in by_project.get("", ()):  # requires-python is the root project's
            if (pin.path, pin.line) in reported or requires_python.admits(pin):
                continue
            reported.add((pin.path, pin.line))
            message = (
                f"Python {pin.version} in {pin.path} ({pin.source}) is outside requires-python "
                f"{requires_python.text} ({requires_python.path}); change the pin or requires-python"
            )
            yield self.finding(message, pin.path, pin.line)

    def disagreements(self, pins: list, reported: set[tuple[str, int]]):
        """Pins of one project whose minor version differs from the most common one (the first by priority).
        The reference is an environment's pin: CI workflows are compared with it, never with each other (two
        workflows on two Pythons test both, on purpose)."""
        environment = [pin for pin in pins if pin.source != CI_PIN]
        minors = Counter(pin.minor for pin in environment)
        if not environment or len(Counter(pin.minor for pin in pins)) < 2:
            return
        first = min(environment, key=lambda pin: (-minors[pin.minor], rank(pin)))
        for pin in pins:
            reference = first if nested(pin, first) else None
            if reference is None:  # another sub-folder's environment: compare with the pins around this one
                around = [other for other in environment if nested(pin, other)]
                near = Counter(other.minor for other in around)
                reference = min(around, key=lambda other: (-near[other.minor], rank(other)), default=None)
            if reference is None or pin.minor == reference.minor or (pin.path, pin.line) in reported:
                continue
            reported.add((pin.path, pin.line))
            message = (
                f"Python {pin.minor_text} in {pin.path} ({pin.source}) disagrees with {reference.minor_text} "
                f"in {reference.path} ({reference.source}); use one minor version everywhere"
            )
            yield self.finding(message, pin.path, pin.line)


def pin_folder(pin) -> str:
    """The folder a pin speaks for: a CI workflow runs the whole repository; a file, its own folder."""
    return "" if pin.source == CI_PIN else posixpath.dirname(pin.path)


def nested(pin, other) -> bool:
    """Whether two pins speak for one environment: one's folder holds the other's (the root holds every folder).
    Two sibling sub-folders (`09-serverless/code/` and `09-serverless/workshop/`, two cohorts' homework) are
    separate sub-projects, each free to use its own Python."""
    a, b = pin_folder(pin), pin_folder(other)
    return a == b or not a or not b or b.startswith(a + "/") or a.startswith(b + "/")


def rank(pin) -> tuple[int, str, int]:
    order = SOURCE_PRIORITY.index(pin.source) if pin.source in SOURCE_PRIORITY else len(SOURCE_PRIORITY)
    return (order, pin.path, pin.line)
