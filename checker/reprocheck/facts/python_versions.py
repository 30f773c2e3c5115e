"""Every explicit Python version pin in the project, with where it is written, and `requires-python`.

An explicit pin names one minor version: `.python-version`, `runtime.txt`, `.tool-versions`, Pipfile `[requires]`, a
conda `python=3.X` (or the `python` package of a conda lock: an `@EXPLICIT` export, conda-lock), the pip-compile
header ("with Python 3.X"), a `python:3.X` base image (or an image tag spelling `python3.X`), a CI `python-version`
that is not one of several matrix entries, a lock's `requires-python` that admits a single minor version, and a
versioned conda installer whose Python is known (`Miniconda3-py38_4.12.0-Linux-x86_64.sh`, `Miniconda3-4.5.4-…`,
`Anaconda3-2020.02-…`) downloaded or run by a command, and the `build.python_version` of a Replicate Cog
`cog.yaml` (the interpreter of the image Cog builds).
`requires-python` itself is a range, kept apart.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from reprocheck.facts import fact
from reprocheck.facts.cog import COG_FILE, cog_builds
from reprocheck.facts.conda import parse_match_spec
from reprocheck.facts.shell import parse_install
from reprocheck.facts.structured import load_toml, toml_line_of
from reprocheck.patterns import lazy_pattern

VERSION = re.compile(r"^\s*(?:cpython-?|python-?|py)?(?P<major>[23])\.(?P<minor>\d+)(?P<patch>\.\d+)?(?P<rest>\S*)")
# `3.11-slim`; a dev container image's `1-3.11-bookworm` or `0-3.10` (the image's own major version first)
IMAGE_TAG = lazy_pattern(r"^(?:\d+-)?(?P<major>[23])\.(?P<minor>\d+)(?P<patch>\.\d+)?(?:[-.]|$)")
TAG_PYTHON = lazy_pattern(r"(?:^|[-_])python(?P<major>[23])\.(?P<minor>\d+)(?:[-.]|$)")
PYTHON_IMAGES = frozenset({"python", "library/python", "docker.io/library/python", "docker.io/python"})
CONDA_INSTALLER_PIN = "conda installer"
PROBE_MINORS = [(2, 7)] + [(3, minor) for minor in range(0, 31)]


@dataclass(frozen=True)
class PythonPin:
    """`source` says what kind of pin it is; `minor` is (major, minor); `version` is the text as written."""

    path: str
    line: int
    source: str
    version: str
    minor: tuple[int, int]
    patch: int | None = None

    @property
    def minor_text(self) -> str:
        return f"{self.minor[0]}.{self.minor[1]}"

    @property
    def full(self) -> Version | None:
        return Version(f"{self.minor_text}.{self.patch}") if self.patch is not None else None


@dataclass(frozen=True)
class RequiresPython:
    """A `requires-python` (or `python_requires`) declaration."""

    path: str
    line: int
    text: str
    specifier: SpecifierSet

    def admits_minor(self, minor: tuple[int, int]) -> bool:
        """Whether any release of that minor version satisfies the range."""
        return any(self.specifier.contains(f"{minor[0]}.{minor[1]}.{patch}", prereleases=True) for patch in range(40))

    def admits(self, pin: PythonPin) -> bool:
        if pin.full is not None:
            return self.specifier.contains(pin.full, prereleases=True)
        return self.admits_minor(pin.minor)


def parse_version_text(text: str) -> tuple[tuple[int, int], int | None] | None:
    """(major, minor), patch of a CPython version such as `3.11`, `3.11.4`, `python-3.11.4`; None otherwise."""
    match = VERSION.match(text)
    if not match:
        return None
    if text.strip().lower().startswith(("pypy", "graalpy", "miniconda", "anaconda", "mambaforge", "jython")):
        return None
    patch = int(match.group("patch")[1:]) if match.group("patch") else None
    return (int(match.group("major")), int(match.group("minor"))), patch


def single_minor(specifier: SpecifierSet) -> tuple[int, int] | None:
    """The one minor version a range admits (`==3.11.*`, `~=3.11.0`, `>=3.11,<3.12`), else None."""
    admitted = [m for m in PROBE_MINORS if any(specifier.contains(f"{m[0]}.{m[1]}.{p}") for p in range(40))]
    return admitted[0] if len(admitted) == 1 else None


def parse_specifier(text: str) -> SpecifierSet | None:
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


# -- file sources ------------------------------------------------------------------------------------------------
# A runtime.txt that a static-site host reads for its build (Netlify): the Python of the docs deployment, not of
# the project's environment. Heroku, Binder (repo2docker) and Cloud Foundry read `python-3.X[.Y]`; Netlify reads
# a bare version (`3.8`) and is configured by a netlify.toml in the same folder.
SITE_HOST_RUNTIME = "runtime.txt of a site host"
SITE_HOST_CONFIGS = ("netlify.toml",)


def site_host_runtime(project, rel: str, pin: PythonPin) -> bool:
    folder = posixpath.dirname(rel)
    if any(project.exists(posixpath.join(folder, name)) for name in SITE_HOST_CONFIGS):
        return True
    return not pin.version.lower().startswith("python")


def first_line_pin(project, rel: str, source: str, strip: str = "") -> PythonPin | None:
    text = project.try_read_text(rel, source)
    if text is None:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        if strip:
            if not body.startswith(strip):
                continue
            body = body[len(strip) :].strip()
        parsed = parse_version_text(body.split()[0])
        return PythonPin(rel, number, source, body.split()[0], *parsed) if parsed else None
    return None


def cog_pin(project, rel: str) -> PythonPin | None:
    """`build.python_version: "3.8"` of a Replicate Cog `cog.yaml`."""
    for cog in cog_builds(project):
        if cog.path == rel and cog.python_version is not None:
            version, line = cog.python_version
            parsed = parse_version_text(version)
            return PythonPin(rel, line, COG_FILE, version, *parsed) if parsed else None
    return None


def pipfile_pin(project, rel: str) -> PythonPin | None:
    data = load_toml(project, rel)
    requires = data.get("requires") if isinstance(data, dict) else None
    if not isinstance(requires, dict):
        return None
    for key in ("python_full_version", "python_version"):
        value = requires.get(key)
        if isinstance(value, str) and (parsed := parse_version_text(value)):
            text = project.try_read_text(rel) or ""
            return PythonPin(rel, toml_line_of(text, key, "requires"), "Pipfile", value, *parsed)
    return None


def image_pin(path: str, line: int, name: str, tag: str | None) -> PythonPin | None:
    if not tag:
        return None
    match = IMAGE_TAG.match(tag) if name.lower() in PYTHON_IMAGES or name.lower().endswith("/python") else None
    match = match or TAG_PYTHON.search(tag)
    if not match:
        return None
    patch = match.groupdict().get("patch")
    minor = (int(match.group("major")), int(match.group("minor")))
    return PythonPin(path, line, "base image", f"{name}:{tag}", minor, int(patch[1:]) if patch else None)


@fact
def requires_python(project, pyproject) -> RequiresPython | None:
    """`[project] requires-python` of the root pyproject.toml, when present and valid."""
    project_table = pyproject.get("project") if isinstance(pyproject, dict) else None
    value = project_table.get("requires-python") if isinstance(project_table, dict) else None
    if not isinstance(value, str):
        return None
    specifier = parse_specifier(value)
    if specifier is None:
        return None
    line = toml_line_of(project.try_read_text("pyproject.toml") or "", "requires-python", "project")
    return RequiresPython("pyproject.toml", line, value, specifier)


def conda_lock_pins(locks: dict) -> list[PythonPin]:
    """The interpreter a conda lock installs: `python-3.7.13-h12debd9_0.conda` in an `@EXPLICIT` export
    (`conda list --explicit`) or `python` in a conda-lock file pins Python exactly."""
    pins = []
    for lock in locks.values():
        if lock.kind not in ("conda-explicit", "conda-lock"):
            continue
        for package in lock.pins("python"):
            if package.manager == "pip":
                continue
            parsed = parse_version_text(str(package.version))
            if parsed is not None:
                pins.append(PythonPin(lock.path, package.line, "conda lock", str(package.version), *parsed))
                break
    return pins


# A conda installer by name and version (`Miniconda3-py38_4.12.0-Linux-x86_64.sh`, `Anaconda3-2020.02-Linux-…`):
# a versioned one installs a fixed Python; `Miniconda3-latest-…` follows the newest release.
CONDA_INSTALLER = lazy_pattern(
    r"\b(?P<kind>Miniconda[23]|Anaconda[23]|Miniforge3|Mambaforge|Miniforge-pypy3|Mambaforge-pypy3)-"
    r"(?P<version>[\w.]+(?:-\d+)?)-(?:Linux|MacOSX|Windows)\b"
)
INSTALLER_PY_TAG = lazy_pattern(r"^py(?P<major>[23])(?P<minor>\d{1,2})_")
# The Python of the well-known installers without a `pyXY_` tag (Miniconda3 `X.Y.Z`, Anaconda3 `YYYY.MM`/`X.Y.Z`).
MINICONDA3_PYTHON = {
    "4.0": (3, 5), "4.1": (3, 5), "4.2": (3, 5), "4.3": (3, 6), "4.4": (3, 6), "4.5.1": (3, 6), "4.5.4": (3, 6),
    "4.5.11": (3, 7), "4.5.12": (3, 7), "4.6": (3, 7), "4.7": (3, 7), "4.8.2": (3, 7),
}  # fmt: skip
ANACONDA3_PYTHON = {
    "4.2": (3, 5), "4.3": (3, 6), "4.4": (3, 6), "5.0": (3, 6), "5.1": (3, 6), "5.2": (3, 6), "5.3": (3, 7),
    "2018.12": (3, 7), "2019.03": (3, 7), "2019.07": (3, 7), "2019.10": (3, 7), "2020.02": (3, 7),
    "2020.07": (3, 8), "2020.11": (3, 8), "2021.05": (3, 8), "2021.11": (3, 9), "2022.05": (3, 9),
    "2022.10": (3, 9), "2023.03": (3, 10), "2023.07": (3, 11), "2023.09": (3, 11), "2024.02": (3, 11),
    "2024.06": (3, 12), "2024.10": (3, 12),
}  # fmt: skip


def versioned_installers(text: str) -> Iterator[tuple[str, tuple[int, int] | None]]:
    """(installer name as written, its Python minor when known) of every versioned conda installer in a
    command (`Miniconda3-4.5.4-Linux-x86_64.sh` gives Python 3.6); `-latest-` installers are not versioned."""
    for match in CONDA_INSTALLER.finditer(text):
        kind, version = match.group("kind"), match.group("version")
        if version.lower().startswith("latest") or not any(ch.isdigit() for ch in version):
            continue
        name = f"{kind}-{version}"
        if "pypy" in kind.lower():
            yield name, None
            continue
        tagged = INSTALLER_PY_TAG.match(version)
        if tagged:
            yield name, (int(tagged.group("major")), int(tagged.group("minor")))
        elif kind in ("Miniconda2", "Anaconda2"):
            yield name, (2, 7)
        elif kind in ("Miniconda3", "Anaconda3"):
            table = MINICONDA3_PYTHON if kind == "Miniconda3" else ANACONDA3_PYTHON
            release = version.split("-", 1)[0]
            parts = release.split(".")
            yield name, table.get(release) or table.get(".".join(parts[:2]))
        else:
            yield name, None


@fact
def python_pins(
    project, requirements_files, conda_environments, locks, dockerfiles, ci_configs, shell_commands
) -> list[PythonPin]:
    """Every explicit pin of a Python minor version, in a stable order (files first, then images and CI)."""
    pins: list[PythonPin] = []
    for rel in project.files:
        base = posixpath.basename(rel)
        pin = None
        if base == ".python-version":
            pin = first_line_pin(project, rel, ".python-version")
        elif base == "runtime.txt":
            pin = first_line_pin(project, rel, "runtime.txt")
            if pin is not None and site_host_runtime(project, rel, pin):
                pin = PythonPin(pin.path, pin.line, SITE_HOST_RUNTIME, pin.version, pin.minor, pin.patch)
        elif base == ".tool-versions":
            pin = first_line_pin(project, rel, ".tool-versions", strip="python")
        elif base == "Pipfile":
            pin = pipfile_pin(project, rel)
        elif base == COG_FILE:
            pin = cog_pin(project, rel)
        if pin is not None:
            pins.append(pin)
    for rel, parsed in requirements_files.items():
        header = parsed.header
        if header is not None and header.python and (found := parse_version_text(header.python)):
            pins.append(PythonPin(rel, header.line, "pip-compile header", header.python, *found))
    for lock in locks.values():
        if lock.requires_python and (spec := parse_specifier(lock.requires_python)) is not None:
            minor = single_minor(spec)
            if minor is not None:
                pins.append(PythonPin(lock.path, 1, f"{lock.kind} requires-python", lock.requires_python, minor))
    pins.extend(conda_lock_pins(locks))
    for rel, env in conda_environments.items():
        python = env.python
        if python is not None and python.spec.minor is not None:
            pins.append(PythonPin(rel, python.line, "conda", python.spec.raw, python.spec.minor))
    for sourced in shell_commands:  # `conda create -n env python=3.11` in a Dockerfile, CI step or script
        text = sourced.command.text
        if "python" not in text or ("conda" not in text and "mamba" not in text):
            continue
        install = parse_install(sourced.command)
        for package in install.packages if install is not None and install.tool == "conda" else ():
            spec = parse_match_spec(package)
            if spec is not None and spec.name == "python" and spec.minor is not None:
                pins.append(PythonPin(sourced.path, sourced.line, "conda", package, spec.minor))
    for sourced in shell_commands:  # `curl -O …/Miniconda3-py38_4.12.0-Linux-x86_64.sh` in a Dockerfile or script
        text = sourced.command.text
        if "conda" in text or "forge" in text:
            for name, minor in versioned_installers(text):
                if minor is not None:
                    pins.append(PythonPin(sourced.path, sourced.line, CONDA_INSTALLER_PIN, name, minor))
    for rel, dockerfile in dockerfiles.items():
        for stage in dockerfile.stages:
            ref = stage.base
            if ref.is_stage_alias or ref.is_scratch:
                continue
            pin = image_pin(rel, ref.line, ref.name, ref.tag)
            if pin is not None:
                pins.append(pin)
    for config in ci_configs:
        versions = config.python_versions
        matrix = [v for v in versions if v[2]]
        for version, line, in_matrix in versions:
            if in_matrix and len({m[0] for m in matrix}) > 1:
                continue
            parsed = parse_version_text(str(version))
            if parsed is not None and re.match(r"^\s*\d+\.\d+", str(version)):
                pins.append(PythonPin(config.path, line, "CI python-version", str(version), *parsed))
    return pins
