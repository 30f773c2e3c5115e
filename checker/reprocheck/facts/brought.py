"""What installing a declared distribution brings into the environment (DEP004's notes on imports that only
arrive with another distribution).

Two tables say what a distribution requires. BRINGS (tables/dependency_names.py) is kept by hand: long-standing
requirements. `requires_dist.json` (scripts/refresh_requires.py reads it from PyPI; the checker never uses the
network) holds, for about a thousand distributions, what the latest release requires (each requirement with its
version specifier) and what the reference release required: the newest wheel uploaded before 2021 (else the
oldest). Which one describes an install depends on the release it installs:

- the latest: a declaration with no version, or whose specifier admits the latest release (and, down a chain, a
  requirement whose specifier admits the table's latest release of it);
- an old one (an exact pin at or before the reference release): the reference release's requirements;
- one in between, or any we cannot place: what both releases require, and what the hand table says of those
  that only one of them requires (huggingface-hub dropped `requests` in 1.0: a 0.20 pin still brings it).

What a release in between brings by a chain that moved is not known: `brought_at_both_ends` says what it brings in
all likelihood, what both known releases bring each by its own chain (tensorflow 2.21.0 requires requests, 2.4.0
brought it through tensorboard), for DEP004 to make a note of rather than a claim that nothing provides it.

The table also keeps the import names each distribution installs (its wheel's top-level modules, a namespace
package's parts): `installing` tells DEP004 that `fluent-logger` provides `from fluent import sender`,
`neptune-client` provides `neptune` and `snowflake-connector-python` provides `snowflake.connector`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from reprocheck.tables.dependency_names import BRINGS
from reprocheck.tables.import_names import STRAY_WHEEL_MODULES

TABLE = Path(__file__).resolve().parent.parent / "tables" / "requires_dist.json"

# Which release of a distribution an install holds: the latest, one no newer than the reference, or unknown.
LATEST, ANCIENT, BETWEEN = "latest", "ancient", "between"
Step = tuple[str, str]  # a distribution and which of its releases


@dataclass(frozen=True)
class Published:
    """What PyPI says of a distribution: its latest release and what releases require."""

    latest: Version
    requires: dict[str, SpecifierSet | None] | None  # the latest release's requirements; None: not published
    reference: Version | None = None
    reference_requires: frozenset[str] | None = None  # None: no reference release known


@cache
def published() -> dict[str, Published]:
    """The table by name. A table that cannot be read leaves the hand-kept one alone rather than failing the run."""
    try:
        entries = json.loads(TABLE.read_text(encoding="utf-8"))["requires"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    table = {}
    for name, entry in entries.items() if isinstance(entries, dict) else ():
        try:
            listed = entry["requires"]
            requires = None if listed is None else {dep: specifier(text) for dep, text in listed.items()}
            since = entry.get("since")
            reference = Version(since["version"]) if since else None
            table[name] = Published(
                Version(entry["version"]), requires, reference, frozenset(since["requires"]) if since else None
            )
        except (InvalidVersion, KeyError, TypeError, AttributeError):
            continue
    return table


@cache
def installed_modules() -> dict[str, frozenset[str]]:
    """The table's import names, each with the distributions that install it (`fluent`: fluent-logger). A generic
    name that a wheel ships by mistake (`utils`, `tests`, `setup`) is left out: it says nothing of what an import
    of that name needs."""
    try:
        entries = json.loads(TABLE.read_text(encoding="utf-8"))["requires"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    found: dict[str, set[str]] = {}
    for name, entry in entries.items() if isinstance(entries, dict) else ():
        modules = entry.get("modules") if isinstance(entry, dict) else None
        for module in modules if isinstance(modules, list) else ():
            if isinstance(module, str) and module.split(".")[0] not in STRAY_WHEEL_MODULES:
                found.setdefault(module, set()).add(name)
    return {module: frozenset(names) for module, names in found.items()}


@cache
def installing(module: str) -> tuple[str, ...]:
    """The distributions the table knows to install dotted `module`: one that installs it, or a package above it
    (`google.cloud.storage` for `google.cloud.storage.blob`) that no other distribution extends (google-cloud-core
    installs modules in `google.cloud`, which does not make it the provider of `google.cloud.aiplatform`), or a part
    of it when `module` is a namespace imported by its top name (`snowflake.connector` for `snowflake`)."""
    table = installed_modules()
    found = set(table.get(module, frozenset()))
    parts = module.split(".")
    for depth in range(len(parts) - 1, 0, -1):
        above = ".".join(parts[:depth])
        if above in table and not shared_namespace(above):
            found |= table[above]
    if not found:
        below = module + "."
        found = {name for item, names in table.items() if item.startswith(below) for name in names}
    return tuple(sorted(found))


@cache
def shared_namespace(module: str) -> bool:
    """Whether other distributions install parts below `module` (`google.cloud.storage` below `google.cloud`)."""
    below = module + "."
    owners = installed_modules().get(module, frozenset())
    return any(item.startswith(below) and names - owners for item, names in installed_modules().items())


def requirements_known(name: str) -> bool:
    """Whether anything is known of what installing `name` brings: the published table lists its requirements
    (none counts), or the hand table does."""
    entry = published().get(name)
    return (entry is not None and entry.requires is not None) or name in BRINGS


def modules_of(name: str) -> frozenset[str] | None:
    """The import names the table knows `name` to install (None when it knows none)."""
    found = frozenset(module for module, names in installed_modules().items() if name in names)
    return found or None


def specifier(text: str) -> SpecifierSet | None:
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


def steps(name: str, release: str) -> list[Step]:
    """What the given release of `name` requires, each with which release of it comes."""
    entry = published().get(name)
    if entry is None or entry.requires is None:  # only the hand table speaks of it (PyPI lists no requirements)
        return [(item, release if release == LATEST else BETWEEN) for item in BRINGS.get(name, ())]
    if release == LATEST:
        table = published()
        return [(item, LATEST if item not in table or admits(spec, table[item].latest) else BETWEEN)
                for item, spec in entry.requires.items()]  # fmt: skip
    if entry.reference_requires is None:  # an older release, and the latest one is all that is known
        return [(item, BETWEEN) for item in entry.requires]
    if release == ANCIENT:
        return [(item, BETWEEN) for item in sorted(entry.reference_requires)]
    latest, reference = set(entry.requires), entry.reference_requires
    both = latest & reference
    told = {item for item in BRINGS.get(name, ()) if item in latest | reference}  # only one release requires it
    return [(item, BETWEEN) for item in sorted(both | told)]


def possible_steps(name: str, release: str) -> list[Step]:
    """What the given release of `name` may require: as `steps`, but a release in between may require what either
    release the table holds requires (tensorboard 2.8 requires requests, as 2.4.0 did and 2.21.0 does not)."""
    entry = published().get(name)
    if release != BETWEEN or entry is None or entry.requires is None or entry.reference_requires is None:
        return steps(name, release)
    either = set(entry.requires) | entry.reference_requires | set(BRINGS.get(name, ()))
    return [(item, BETWEEN) for item in sorted(either)]


@cache
def brought_at_both_ends(name: str, pinned: tuple[Step, ...] = ()) -> frozenset[str]:
    """What a release of `name` in between the table's two brings in all likelihood: what both its latest and its
    reference release bring, each through its own requirements and what those require at either release the table
    holds of them (one unknown release per chain: tensorflow 2.21.0 requires requests, 2.4.0 required tensorboard,
    whose releases of those years required requests). A distribution both ends bring came all along."""
    if published().get(name) is None:
        return brought_by(name, BETWEEN, pinned)
    ends = []
    for release in (LATEST, ANCIENT):
        reached: set[str] = set()
        for item, below in placed(steps(name, release), pinned):
            reached |= {item, *brought_by(item, below, pinned)}
            for deeper, further in placed(possible_steps(item, below), pinned):
                reached |= {deeper, *brought_by(deeper, further, pinned)}
        ends.append(reached - {name})
    return frozenset(ends[0] & ends[1])


def admits(spec: SpecifierSet | None, version: Version) -> bool:
    return spec is not None and spec.contains(version, prereleases=True)


@cache
def brought_by(name: str, release: str = LATEST, pinned: tuple[Step, ...] = ()) -> frozenset[str]:
    """What installing `name` (that release of it) brings, its requirements' requirements included (matplotlib
    brings six through python-dateutil). `pinned`: the releases the project itself installs of some
    distributions, which hold wherever they come in a chain."""
    found: set[str] = set()
    start = (name, release)
    seen: set[Step] = {start}
    todo: list[Step] = [start]
    while todo:
        for step in placed(steps(*todo.pop()), pinned):
            if step[0] != name:
                found.add(step[0])
            if step not in seen:
                seen.add(step)
                todo.append(step)
    return frozenset(found)


def placed(found: list[Step], pinned: tuple[Step, ...]) -> list[Step]:
    if not pinned:
        return found
    releases = dict(pinned)
    return [(item, releases.get(item, release)) for item, release in found]


def way(name: str, distribution: str, release: str = LATEST, pinned: tuple[Step, ...] = ()) -> str | None:
    """The requirement of `name` through which it brings `distribution`, on the shortest chain (None when `name`
    requires it directly or does not bring it)."""
    first: dict[Step, str] = {}
    todo: list[Step] = []
    for step in sorted(placed(steps(name, release), pinned)):
        if step[0] == distribution:
            return None
        first.setdefault(step, step[0])
        todo.append(step)
    for step in todo:  # breadth first: `todo` grows while it is walked
        for nxt in sorted(placed(steps(*step), pinned)):
            if nxt[0] == distribution:
                return first[step]
            if nxt not in first and nxt[0] != name:
                first[nxt] = first[step]
                todo.append(nxt)
    return None


def installed_release(name: str, declarations: Iterable) -> str:
    """Which release of `name` its declarations install: LATEST with no version or specifiers that all admit the
    latest release the table knows, ANCIENT for an exact pin at or before the reference release, else BETWEEN. A
    conda spec that is not PEP 440 (`matplotlib=3.4.3`) counts by its pinned version."""
    entry = published().get(name)
    if entry is None:
        return LATEST  # only the hand table speaks of it: it holds for any release
    declarations = list(declarations)
    pins = [version for version in (parsed_version(d.version) for d in declarations if d.version) if version]
    if pins:
        pin = max(pins)
        if pin >= entry.latest:
            return LATEST
        return ANCIENT if entry.reference is not None and pin <= entry.reference else BETWEEN
    for declaration in declarations:
        try:
            spec = Requirement(declaration.spec).specifier
        except InvalidRequirement:
            continue
        if spec and not spec.contains(entry.latest, prereleases=True):
            return BETWEEN
    return LATEST


def parsed_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None
