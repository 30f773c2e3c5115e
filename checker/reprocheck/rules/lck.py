"""LCK: lock files — present, fresh, hashed, committed, used, and installable anywhere."""

from __future__ import annotations

import os
import posixpath
import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from reprocheck import filekinds
from reprocheck.facts.conda import is_environment_file
from reprocheck.facts.declarations import locate_string
from reprocheck.facts.locks import (
    as_list,
    as_table,
    is_frozen_environment,
    is_full_freeze,
    lock_kind_by_name,
    sibling,
)
from reprocheck.facts.project_kind import LIBRARY_HINT
from reprocheck.facts.requirements import (
    constraints_of,
    parse_requirement,
    patch_series,
    requirements_of,
    resolve_from,
    unpinned,
)
from reprocheck.facts.shell import parse_install
from reprocheck.facts.structured import load_toml, toml_line_of
from reprocheck.findings import Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.rule import Rule
from reprocheck.tables.dependency_names import CONDA_TO_PYPI
from reprocheck.tables.dev_tools import bears_on_results

PLATFORM_MARKERS = ("sys_platform", "platform_", "os_name", "implementation_", "platform.")
EXTRA_MARKER = lazy_pattern(r"extra\s*==\s*['\"](?P<extra>[^'\"]+)['\"]")
UV_SOURCE_KEYS = ("git", "url", "path", "directory", "editable", "index")
PYTHON_LOCKS = ("pip-compile", "uv-pip", "pdm-export", "rye", "uv", "poetry", "pdm", "pipenv", "pylock")
# How to regenerate each kind of lock with hashes (LCK004).
HASH_ADVICE = {
    "pip-compile": "recompile with pip-compile --generate-hashes",
    "uv-pip": "recompile with uv pip compile --generate-hashes",
    "pdm-export": "re-export without --without-hashes",
    "rye": "re-lock with rye lock (hashes on) or switch to uv lock",
    "uv": "re-lock with uv lock (a hand edit or an old uv dropped them)",
    "poetry": "re-lock with poetry lock (a hand edit dropped them)",
    "pdm": "re-lock with pdm lock (without --no-hashes / static URLs)",
    "pipenv": "re-lock with pipenv lock",
    "pylock": "re-lock with hashes for every artifact",
    "conda-explicit": "re-export with conda list --explicit --md5 (or conda-lock)",
    "conda-lock": "re-lock with conda-lock",
}
# Lock-managing commands that rewrite a lock instead of installing it (LCK006), with the options that make
# them read-only checks instead.
RELOCKING: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("poetry", "lock"): (("--check",), "poetry install"),
    ("poetry", "update"): ((), "poetry install"),
    ("poetry", "add"): (("--dry-run",), "poetry install"),
    ("uv", "lock"): (("--check", "--locked", "--check-exists", "--dry-run"), "uv sync --locked"),
    ("uv", "add"): (("--frozen", "--dry-run"), "uv sync --locked"),
    ("uv", "remove"): (("--frozen", "--dry-run"), "uv sync --locked"),
    ("pipenv", "lock"): ((), "pipenv sync"),
    ("pipenv", "update"): ((), "pipenv sync"),
    ("pipenv", "upgrade"): ((), "pipenv sync"),
}
INSTALL_ORIGINS = ("dockerfile", "ci", "makefile")
PYPROJECT_LOCKS = ("uv.lock", "poetry.lock", "pdm.lock", "pylock.toml")


class MissingLock(Rule):
    """
    ## What it does
    Reports dependencies declared with no lock made from them: a `*.in` file no pip-compile lock is compiled
    from, `[project.dependencies]` (or Poetry dependencies) of an application without `uv.lock`,
    `poetry.lock`, `pdm.lock`, `pylock.toml` or a compiled requirements file, a `Pipfile` without
    `Pipfile.lock`, a conda environment without a conda lock (any file whose content is one, whatever its
    name: see DEP001), and a hand-written `requirements*.txt` (no
    pip-compile header, no hashes) whose requirements are all pinned, since its transitive dependencies still
    float (one with unpinned requirements is DEP001's, which gives the same advice; a full `pip freeze`, which
    pins the transitive dependencies too, is a lock without hashes: LCK004). A conda environment exported from an
    installed one (`conda env export --no-builds`, its `pip:` section a freeze: exact versions on all but a tenth of
    its entries, and the transitive dependencies of what it pins or the low-level libraries conda exports, such as
    `openssl`, `readline`, `zlib`, among them) is its own lock; DEP001 and DEP007 report its few floats. A
    declaration counts as locked when a lock names it as its input, or when one lock (such a frozen environment
    included) pins every distribution it declares. Files that
    name only development tools (linters, formatters, test runners, type stubs, documentation builders) or packages
    that only display or serve a run (notebook servers, progress bars, `streamlit`, `gradio`) set up tooling, not
    runs, and need no lock.

    Libraries need no lock for `pyproject.toml` or hand-written requirements files: they declare ranges and let
    applications pin. A project is a library when `project-type = "library"` is set, or, unless
    `project-type = "application"` is set, when it publishes to PyPI: its CI runs
    `pypa/gh-action-pypi-publish`, `twine upload`, `uv publish`, `hatch publish`, `flit publish` or
    `poetry publish`, or its README tells users to `pip install` it by its own name or by a `git+` URL of the
    repository.

    ## Why it matters
    Even with every direct dependency pinned, their own dependencies float: `pip install` on another day resolves
    a different tree. Only a lock (all versions, transitive ones included, ideally with hashes) recreates it.

    ## Example
    A repository with `requirements.in` and no `requirements.txt` compiled from it; or `pyproject.toml` listing
    `dependencies = ["torch>=2.2"]` and no `uv.lock`.

    ## Fix
    `pip-compile --generate-hashes requirements.in` (commit `requirements.txt`), `uv lock`, `poetry lock`,
    `pipenv lock` or `conda-lock -f environment.yml`, and install from the lock.

    In an examples collection that tracks its library's latest release on purpose (the root README's title calls
    the repository examples of a library, its top-level folders are self-contained examples, and its CI installs
    that library from git head or nightly), the finding is not reported: it is listed with the suppressed findings,
    saying why ("an examples collection that tracks optuna's latest on purpose: its CI installs optuna from git
    head"), as a library needs no pins.
    """

    code = "LCK001"
    name = "missing-lock"
    severity = Severity.WARNING
    summary = "Dependencies are declared but no lock file pins them"

    def check(
        self,
        project,
        project_kind,
        requirements_files,
        locks,
        lock_inputs,
        conda_environments,
        pyproject,
        shell_commands,
    ):
        library = project_kind.is_library
        pinned_by = [{p.name for p in lock.packages} for lock in locks.values()]
        # a frozen conda environment (an export with exact versions) is its own lock, of all it names
        frozen = {rel for rel, env in conda_environments.items() if env.dependencies and is_frozen_environment(env)}
        pinned_by += [environment_names(conda_environments[rel]) for rel in sorted(frozen)]

        def covered(path: str, names: set[str]) -> bool:
            return path in lock_inputs or bool(names and any(names <= pins for pins in pinned_by))

        for rel, parsed in requirements_files.items():
            if rel in locks or parsed.is_constraints or (library and not parsed.is_input):
                continue
            names = {r.name for r in parsed.requirements if r.name and (r.marker is None or r.is_pinned)}
            named = [r for r in parsed.requirements if r.name]
            if not named or covered(rel, names) or not any(bears_on_results(r.name) for r in named):
                continue  # tooling only (linters, test runners, docs builders, app front ends) shapes no result
            if not parsed.is_input and is_full_freeze(parsed):
                continue  # a full `pip freeze` pins the transitive dependencies too; LCK004 asks for hashes
            if not parsed.is_input and any(not patch_series(r.specifier) for r in unpinned(requirements_files, rel)):
                continue  # DEP001 warns about the unpinned requirements of this file, with the same fix
            if parsed.is_input:
                target = rel[: -len(".in")] + ".txt"
                message = (
                    f"{rel} declares {dependency_count(len(named))} but no lock is compiled from it; "
                    f"run pip-compile --generate-hashes {rel} and commit {target}"
                )
            else:
                message = (
                    f"{rel} is hand-written (no pip-compile header, no hashes): a declaration without a lock, so "
                    f"transitive dependencies float; rename it to {rel.rsplit('.', 1)[0]}.in and compile it with "
                    f"pip-compile --generate-hashes (or use uv lock); {LIBRARY_HINT}"
                )
            yield self.finding(message, rel, named[0].line)
        if not library and isinstance(pyproject, dict) and "uv.lock" not in uv_locks_missing(project, shell_commands):
            yield from self.check_pyproject(project, pyproject, covered)  # else LCK005 names the syncs, same fix
        for rel in project.named("Pipfile"):
            if rel not in lock_inputs and not project.exists(sibling(rel, "Pipfile.lock")):
                yield self.finding(f"{rel} has no Pipfile.lock; run pipenv lock and commit it", rel, 1)
        for rel, env in conda_environments.items():
            if rel in lock_inputs or not env.dependencies or all(d.spec.build for d in env.dependencies):
                continue  # a `conda env export` with build strings pins everything itself
            if rel in frozen:
                continue  # an export with exact versions: its own lock; DEP001/DEP007 report its few floats
            message = (
                f"{rel} declares a conda environment but no conda lock pins it; run conda-lock -f {rel} "
                "and commit conda-lock.yml (or an explicit `conda list --explicit --md5` export)"
            )
            yield self.finding(message, rel, env.dependencies_line)

    def check_pyproject(self, project, pyproject, covered):
        table = as_table(pyproject.get("project"))
        dependencies = [d for d in as_list(table.get("dependencies")) if isinstance(d, str)]
        poetry = as_table(as_table(pyproject.get("tool")).get("poetry"))
        poetry_names = [n for n in as_table(poetry.get("dependencies")) if n.lower() != "python"]
        names = {parse_requirement(d).get("name") for d in dependencies} | {canonicalize_name(n) for n in poetry_names}
        names.discard(None)
        if not names or covered("pyproject.toml", names) or any(project.exists(n) for n in PYPROJECT_LOCKS):
            return  # an existing but unparsable lock is RPC002's to report
        text = project.try_read_text("pyproject.toml") or ""
        count = len(dependencies) + len(poetry_names)
        if dependencies:
            line, tool = toml_line_of(text, "dependencies", "project"), "uv lock (or pip-compile pyproject.toml)"
        else:
            line, tool = toml_line_of(text, "python", "tool.poetry.dependencies"), "poetry lock"
        message = (
            f"pyproject.toml declares {dependency_count(count)} of an application but no lock pins them; "
            f"run {tool} and commit the lock; {LIBRARY_HINT}"
        )
        yield self.finding(message, "pyproject.toml", line)


def environment_names(env) -> set[str]:
    """The PyPI names of what a conda environment lists, conda entries and `pip:` entries alike."""
    names = {CONDA_TO_PYPI.get(d.spec.name, d.spec.name) for d in env.dependencies}
    return names | {r.name for r in (env.pip.requirements if env.pip is not None else ()) if r.name}


class StaleCompiledLock(Rule):
    """
    ## What it does
    Compares a pip-compile (or `uv pip compile`) lock with its input and reports where they disagree: a
    requirement of the input missing from the lock, a locked version outside the input's specifier (or a
    constraint's), and a `# via -r X.in` annotation naming an input that no longer requires that package. The
    input is found from the header's command line (so a lock may have any name) or by name (`a.in` → `a.txt`),
    and its `-r`/`-c` includes are followed. Environment markers are judged with the Python version of the
    header ("autogenerated by pip-compile with Python 3.11").

    ## Why it matters
    A lock that no longer matches its input means the environment everyone installs is not the one the
    declarations describe: a dependency added to `requirements.in` is simply not installed, or an upgrade that
    the input asks for never happens.

    ## Example
    `requirements.in` gains `torch>=2.3`; `requirements.txt` still pins `torch==2.2.2`.

    ## Fix
    Re-run the compile command written in the lock's header (`pip-compile --generate-hashes requirements.in`)
    and commit both files together; a pre-commit hook (`pip-compile` in pre-commit) keeps them in step.
    """

    code = "LCK002"
    name = "stale-compiled-lock"
    severity = Severity.ERROR
    summary = "A pip-compile lock is stale against its input"

    def check(self, project, requirements_files, locks, pyproject, declared_distributions):
        for path, lock in locks.items():
            parsed = lock.requirements
            if parsed is None or lock.kind not in ("pip-compile", "uv-pip"):
                continue
            inputs = [i for i in lock.inputs if i in requirements_files or (i == "pyproject.toml" and pyproject)]
            if not inputs:
                continue
            header = parsed.header
            python = header.python if header else None
            command = header.command_text if header and header.command else f"pip-compile {' '.join(inputs)}"
            locked: dict[str, list] = {}
            for entry in parsed.requirements:
                if entry.name:
                    locked.setdefault(entry.name, []).append(entry)
            present = set(locked) | {name for name, _ in parsed.unsafe} | set(header.omitted if header else ())
            required, constraints = [], []
            for rel in inputs:
                if rel == "pyproject.toml":
                    required += pyproject_requirements(declared_distributions, header)
                else:
                    required += requirements_of(requirements_files, rel)
                    constraints += constraints_of(requirements_files, rel)
            for target in header.constraints if header else ():
                resolved = resolve_from(lock.input_cwd, target)
                if resolved in requirements_files:
                    constraints += requirements_files[resolved].requirements
            for item in required:
                if item.name is None or item.is_local or item.name in present:
                    continue
                if marker_applies(item.marker, python) is True:
                    message = f"{item.name} is required by {item.path} but missing from {path}; re-run {command}"
                    yield self.finding(message, item.path, item.line, item.column)
            for item in [*required, *constraints]:
                entries = [e for e in locked.get(item.name, []) if e.pinned_version] if item.name else []
                if not entries or not str(item.specifier) or marker_applies(item.marker, python) is False:
                    continue
                # a universal lock may pin one version per environment: stale only when none satisfies the input
                if not any(item.specifier.contains(e.pinned_version, prereleases=True) for e in entries):
                    entry = entries[0]
                    message = (
                        f"{path} pins {entry.raw_name}=={entry.pinned_version}, outside {item.specifier} required by "
                        f"{item.path}; re-run {command}"
                    )
                    yield self.finding(message, path, entry.line, entry.column)
            yield from self.stale_annotations(path, lock, parsed, requirements_files, declared_distributions, command)

    def stale_annotations(self, path, lock, parsed, requirements_files, declared_distributions, command):
        project_names = {
            name for name, items in declared_distributions.items() for d in items if d.path == "pyproject.toml"
        }
        for entry in parsed.requirements:
            if entry.name is None:
                continue
            for item in entry.via:
                if item.startswith("-r "):
                    target = next(
                        (
                            t
                            for base in (lock.input_cwd, "", posixpath.dirname(path))
                            if (t := resolve_from(base, item[3:].strip())) in requirements_files
                        ),
                        None,
                    )
                    if target is None or entry.name in {r.name for r in requirements_files[target].requirements}:
                        continue
                elif item.endswith("(pyproject.toml)") and "pyproject.toml" in lock.inputs:
                    if entry.name in project_names:
                        continue
                    target = "pyproject.toml"
                else:
                    continue
                message = (
                    f"{path} says {entry.raw_name} comes from {target} (# via {item}) but {target} no longer "
                    f"requires it; re-run {command}"
                )
                yield self.finding(message, path, entry.via_line or entry.line)


def marker_applies(marker, python: str | None) -> bool | None:
    """Whether a requirement's marker holds for the Python the lock was compiled with (None: cannot tell)."""
    if marker is None:
        return True
    text = str(marker)
    if python is None or any(word in text for word in PLATFORM_MARKERS):
        return None
    try:
        return marker.evaluate({"python_version": python, "python_full_version": f"{python}.0", "extra": ""})
    except Exception:  # an undefined or odd marker variable: not ours to judge
        return None


class _Required:
    """A requirement read from pyproject.toml, shaped like a requirements line for LCK002."""

    def __init__(self, declaration):
        fields = parse_requirement(declaration.spec)
        self.name = fields.get("name")
        self.specifier = fields.get("specifier") or SpecifierSet()
        self.marker = fields.get("marker")
        self.is_local = bool(fields.get("local_path"))
        self.path = declaration.path
        self.line = declaration.line
        self.column = declaration.column


def pyproject_requirements(declared_distributions, header) -> list[_Required]:
    extras = {canonicalize_name(e) for e in header.extras} if header else set()
    wanted = []
    for items in declared_distributions.values():
        for item in items:
            if item.path != "pyproject.toml" or item.origin != "pyproject" or item.group is None:
                continue
            group = item.group
            if group == "dependencies" or (
                group.startswith("optional:")
                and ((header and header.all_extras) or canonicalize_name(group[9:]) in extras)
            ):
                wanted.append(_Required(item))
    return sorted(wanted, key=lambda r: r.line)


class StaleUvLock(Rule):
    """
    ## What it does
    Compares `uv.lock` with `pyproject.toml` the way `uv lock --check` does, without running uv: the root
    package's recorded `requires-dist` (dependencies and extras), its recorded dependency groups
    (`requires-dev`: PEP 735 `[dependency-groups]` and `tool.uv.dev-dependencies`), and the lock's
    `requires-python`. Requirements are compared by name, extras, specifier and extra; other marker details are
    not compared (uv rewrites them).

    ## Why it matters
    `uv sync --frozen` installs the stale lock as it is, so a dependency added to `pyproject.toml` is missing;
    plain `uv sync` silently re-locks and installs different versions than the committed lock.

    ## Example
    `pyproject.toml` says `torch>=2.3` while `uv.lock` was made when it said `torch>=2.2`.

    ## Fix
    Run `uv lock` and commit `uv.lock` with `pyproject.toml`; in CI use `uv sync --locked` (it fails on a stale
    lock).
    """

    code = "LCK003"
    name = "stale-uv-lock"
    severity = Severity.ERROR
    summary = "uv.lock is stale against pyproject.toml"

    def check(self, project, locks, pyproject):
        for path, lock in locks.items():
            if lock.kind != "uv" or lock.data is None:
                continue
            manifest = sibling(path, "pyproject.toml")
            data = pyproject if manifest == "pyproject.toml" else load_toml(project, manifest)
            table = data.get("project") if isinstance(data, dict) else None
            if not isinstance(table, dict) or not isinstance(table.get("name"), str):
                continue
            text = project.try_read_text(manifest) or ""
            root = root_package(lock.data, canonicalize_name(table["name"]))
            if root is None:
                message = f"{path} does not lock the project {table['name']} (renamed since?); run uv lock"
                yield self.finding(message, manifest, toml_line_of(text, "name", "project"))
                continue
            package, line = root
            lock_line = lock.packages[line].line if line < len(lock.packages) else 1
            yield from self.compare(path, manifest, text, lock_line, expected_requirements(data), recorded(package))
            yield from self.check_python(path, manifest, text, lock, table)

    def compare(self, path, manifest, text, lock_line, expected, recorded_items):
        cursor: dict = {}
        recorded_keys = {(r[0], r[1]) for r in recorded_items}
        expected_keys = {(e[0], e[1]) for e in expected}
        unmatched = list(recorded_items)
        for name, where, value, spec in expected:
            match = next((r for r in unmatched if (r[0], r[1]) == (name, where) and same(value, r[2])), None)
            if match is not None:
                unmatched.remove(match)
                continue
            line, column = locate_string(text, spec, cursor) if spec else (1, None)
            label = where_label(where)
            if (name, where) in recorded_keys:
                old = next(describe(r[2]) for r in recorded_items if (r[0], r[1]) == (name, where))
                message = f"pyproject.toml requires {spec}{label} but {path} was locked for {name}{old}; run uv lock"
            else:
                message = f"{spec}{label} is in {manifest} but not in {path}; run uv lock"
            yield self.finding(message, manifest, line, column)
        for name, where, _value in unmatched:
            if (name, where) in expected_keys:
                continue
            message = (
                f"{path} still records {name}{where_label(where)}, which {manifest} no longer requires; run uv lock"
            )
            yield self.finding(message, path, lock_line)

    def check_python(self, path, manifest, text, lock, table):
        wanted = table.get("requires-python")
        if not isinstance(wanted, str) or lock.requires_python is None:
            return
        try:
            same_range = equivalent_ranges(SpecifierSet(wanted), SpecifierSet(lock.requires_python))
        except Exception:
            return
        if not same_range:
            message = (
                f"requires-python is {wanted} in {manifest} but {path} was locked for {lock.requires_python}; "
                "run uv lock"
            )
            yield self.finding(message, manifest, toml_line_of(text, "requires-python", "project"))


def root_package(data: dict, name: str) -> tuple[dict, int] | None:
    packages = [p for p in as_list(data.get("package")) if isinstance(p, dict) and isinstance(p.get("name"), str)]
    for index, package in enumerate(packages):
        source = as_table(package.get("source"))
        if canonicalize_name(package["name"]) == name and (source.get("editable") or source.get("virtual")) in (
            ".",
            "./",
        ):
            return package, index
    for index, package in enumerate(packages):
        if canonicalize_name(package["name"]) == name and not as_table(package.get("source")).get("registry"):
            return package, index
    return None


def expected_requirements(data: dict) -> list[tuple[str, str, object, str]]:
    """(name, where, value, spec as written) for each requirement pyproject.toml gives uv."""
    out = []
    table = as_table(data.get("project"))

    def add(values, where: str) -> None:
        for value in as_list(values):
            if not isinstance(value, str):
                continue
            fields = parse_requirement(value)
            if "error" in fields or not fields.get("name"):
                continue
            out.append((fields["name"], where, requirement_value(fields), value))

    add(table.get("dependencies"), "")
    for extra, values in as_table(table.get("optional-dependencies")).items():
        add(values, f"extra:{canonicalize_name(extra)}")
    for group, values in as_table(data.get("dependency-groups")).items():
        add(values, f"group:{canonicalize_name(group)}")
    add(as_table(as_table(data.get("tool")).get("uv")).get("dev-dependencies"), "group:dev")
    return out


def recorded(package: dict) -> list[tuple[str, str, object]]:
    """(name, where, value) for each requirement uv recorded for the root package."""
    metadata = package.get("metadata") if isinstance(package.get("metadata"), dict) else None
    out = []
    if metadata is None:  # an old lock format: only names are known
        for item in as_list(package.get("dependencies")):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append((canonicalize_name(item["name"]), "", None))
        return out
    for item in as_list(metadata.get("requires-dist")):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            extra = EXTRA_MARKER.search(str(item.get("marker") or ""))
            where = f"extra:{canonicalize_name(extra.group('extra'))}" if extra else ""
            out.append((canonicalize_name(item["name"]), where, recorded_value(item)))
    for group, items in as_table(metadata.get("requires-dev")).items():
        for item in as_list(items):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append((canonicalize_name(item["name"]), f"group:{canonicalize_name(group)}", recorded_value(item)))
    return out


def requirement_value(fields: dict):
    if fields.get("url") or fields.get("local_path"):
        return None
    return (frozenset(fields.get("specifier") or SpecifierSet()), frozenset(fields.get("extras") or ()))


def recorded_value(item: dict):
    if any(key in item for key in UV_SOURCE_KEYS):
        return None
    try:
        specifier = SpecifierSet(str(item.get("specifier") or ""))
    except InvalidSpecifier:
        return None
    extras = frozenset(canonicalize_name(e) for e in as_list(item.get("extras")) if isinstance(e, str))
    return (frozenset(specifier), extras)


def same(a, b) -> bool:
    return a is None or b is None or a == b


def describe(value) -> str:
    if value is None:
        return ""
    specifier, extras = value
    extra = f"[{','.join(sorted(extras))}]" if extras else ""
    return extra + str(SpecifierSet(",".join(str(s) for s in specifier)))


def where_label(where: str) -> str:
    if where.startswith("extra:"):
        return f" (extra {where[6:]})"
    if where.startswith("group:"):
        return f" (group {where[6:]})"
    return ""


def equivalent_ranges(a: SpecifierSet, b: SpecifierSet) -> bool:
    probes = [f"{major}.{minor}.{patch}" for major in (2, 3) for minor in range(0, 31) for patch in (0, 1, 5, 20)]
    return all(a.contains(v, prereleases=True) == b.contains(v, prereleases=True) for v in probes)


class UnhashedLock(Rule):
    """
    ## What it does
    Reports a lock in which some pins from an index or a URL carry no hash: a pip-compile lock made without
    `--generate-hashes`, and `uv.lock`, `poetry.lock`, `pdm.lock`, `Pipfile.lock`, `pylock.toml` or conda
    explicit files whose hashes were dropped. VCS, path and editable pins cannot carry a hash and are not
    counted. A hand-written requirements file that is a full `pip freeze` (every requirement pinned with `==`,
    the dependencies of the pinned distributions included) pins the tree like a lock, and is reported here,
    once, when it has no hashes (LCK001 leaves it alone).

    ## Why it matters
    Without hashes, `pip install` trusts whatever the index serves under that version: a re-uploaded or
    compromised file, or a different wheel for another platform tag, installs silently. With hashes
    (`--require-hashes` is implied) any difference fails the install.

    ## Example
    ```text
    # This file is autogenerated by pip-compile with Python 3.11
    numpy==1.26.4
        # via -r requirements.in
    ```

    ## Fix
    Recompile with hashes: `pip-compile --generate-hashes`, `uv pip compile --generate-hashes`, or re-lock with
    the tool that made the lock.
    """

    code = "LCK004"
    name = "unhashed-lock"
    severity = Severity.WARNING
    summary = "A lock without hashes on every pin"

    def check(self, locks, requirements_files, project_kind):
        for path, parsed in requirements_files.items():
            if path in locks or parsed.is_input or parsed.is_constraints or project_kind.is_library:
                continue
            if is_full_freeze(parsed) and not any(r.hashes for r in parsed.requirements):
                count = sum(1 for r in parsed.requirements if r.name)
                first = next(r for r in parsed.requirements if r.name)
                yield self.finding(
                    f"{path} is a full freeze (all {count} packages pinned with ==, transitive ones included) "
                    "without hashes; keep the direct requirements in requirements.in and compile it with "
                    "pip-compile --generate-hashes (or uv pip compile --generate-hashes)",
                    path,
                    first.line,
                )
        for path, lock in locks.items():
            missing = [p for p in lock.packages if p.needs_hash and not p.hashed]
            if not missing:
                continue
            # A URL requirement with no name (`https://host/download?id=3`) is shown by its URL.
            shown = (p.name or p.location or f"line {p.line}" for p in missing[:5])
            names = ", ".join(shown) + (", …" if len(missing) > 5 else "")
            total = sum(1 for p in lock.packages if p.needs_hash)
            advice = HASH_ADVICE.get(lock.kind, "re-lock with hashes")
            message = f"{path} pins {len(missing)} of {total} packages without hashes ({names}); {advice}"
            yield self.finding(message, path, missing[0].line)


class UncommittedLock(Rule):
    """
    ## What it does
    Reports a lock (or requirements file) that a Dockerfile, a CI step or a Makefile installs from while it is
    not committed: untracked, or git-ignored; one that a Dockerfile uses (`pip install -r`, `uv sync`,
    `COPY uv.lock`) while the build context's `.dockerignore` leaves it out; and CI that runs `uv sync` for a
    project (the repository root, or its `--project`/`--directory`) whose `uv.lock` is not in the repository
    at all, ignored or never made (a library, which LCK001 describes, may leave its lock out on purpose).

    ## Why it matters
    CI and other people's builds check out the repository: an untracked or ignored lock is simply not there, so
    the build fails or (with `uv sync`, `pip install .`) resolves a fresh, different environment. A lock
    excluded from the Docker context does the same inside the image.

    ## Example
    `.gitignore` holds `*.lock` and the Dockerfile runs `uv sync --locked`.

    ## Fix
    Commit the lock (`git add -f` if a broad ignore pattern catches it, better fix the pattern), and add a
    `!uv.lock` exception to `.dockerignore`.
    """

    code = "LCK005"
    name = "uncommitted-lock"
    severity = Severity.ERROR
    summary = "A lock used by the build or CI is untracked, git-ignored or excluded from the Docker context"

    def check(self, project, project_kind, shell_commands, locks, git_facts, dockerfiles, build_contexts):
        reported: set[tuple[str, str, str]] = set()
        absent: dict[str, list] = {}  # lock -> the commands that sync from it: one finding, one fix
        for sourced in shell_commands:
            if sourced.origin not in (*INSTALL_ORIGINS, "script"):
                continue
            install = parse_install(sourced.command)
            if install is None:
                continue
            missing = None if project_kind.is_library else missing_uv_lock(project, sourced, install)
            if missing is not None and (missing, sourced.path, "absent") not in reported:
                reported.add((missing, sourced.path, "absent"))
                absent.setdefault(missing, []).append(sourced)
            context = build_contexts.get(sourced.path) if sourced.origin == "dockerfile" else None
            base = context.folder if context is not None else default_base(sourced)
            for ref in used_files(install):
                rel = repo_path(project, ref, base, sourced.origin == "dockerfile")
                if rel is None:
                    continue
                problem = commit_problem(project, git_facts, rel, locks)
                excluded = context is not None and rel in locks and context.excludes(project, rel)
                if problem is None and excluded:
                    problem = "excluded from the Docker build context by .dockerignore"
                if problem and (rel, sourced.path, problem) not in reported:
                    reported.add((rel, sourced.path, problem))
                    message = (
                        f"{rel}, which {sourced.path} installs from, is {problem}; commit it "
                        "(and keep it out of ignore patterns) so every build installs the same environment"
                    )
                    yield self.finding(message, sourced.path, sourced.line)
        for lock, commands in absent.items():
            first = commands[0]
            yield self.finding(
                self.absent_message(project, git_facts, [c.path for c in commands], lock),
                first.path,
                first.line,
                related=[Location(c.path, c.line) for c in commands[1:]],
            )
        for path, dockerfile in dockerfiles.items():
            context = build_contexts[path]
            prefix = context.prefix
            for stage in dockerfile.stages:
                for copy in stage.copies:
                    for source in copy.sources:
                        rel = posixpath.normpath(prefix + source.lstrip("./")) if source.strip("./") else None
                        if rel in locks and context.excludes(project, rel):
                            if (rel, path, "docker") in reported:
                                continue
                            reported.add((rel, path, "docker"))
                            message = (
                                f"{path} copies the lock {rel}, but .dockerignore excludes it from the build "
                                "context; add an exception (!" + rel[len(prefix) :] + ")"
                            )
                            yield self.finding(message, path, copy.line)

    @staticmethod
    def absent_message(project, git_facts, paths: list[str], lock: str) -> str:
        why = "git-ignored" if project.in_git and git_facts.is_ignored(lock) else "not in the repository"
        files = list(dict.fromkeys(paths))
        who = f"{files[0]} runs" if len(files) == 1 else f"{len(files)} files ({files[0]} first) run"
        return (
            f"{who} uv sync but {lock} is {why}, so every run resolves the environment afresh; run uv lock "
            f"and commit {lock}"
        )


def uv_locks_missing(project, shell_commands) -> set[str]:
    """The uv.lock files that CI syncs from but that are not committed (LCK005 reports them)."""
    found: set[str] = set()
    for sourced in shell_commands:
        install = parse_install(sourced.command) if sourced.origin == "ci" else None
        missing = missing_uv_lock(project, sourced, install) if install is not None else None
        if missing is not None:
            found.add(missing)
    return found


def missing_uv_lock(project, sourced, install) -> str | None:
    """The uv.lock a CI `uv sync` would install, when the project it syncs has none committed."""
    if sourced.origin != "ci" or install.tool != "uv" or install.action != "sync":
        return None
    folders = [*install.options.get("--project", []), *install.options.get("--directory", [])]
    folder = posixpath.normpath(folders[-1]) if folders else "."
    if "$" in folder or folder.startswith(("..", "/")):
        return None
    manifest, lock = (posixpath.normpath(posixpath.join(folder, name)) for name in ("pyproject.toml", "uv.lock"))
    if not project.exists(manifest) or project.exists(lock) or os.path.isfile(project.root / lock):
        return None  # a lock on disk that git ignores is reported as such by the caller
    return lock


def default_base(sourced) -> str:
    return posixpath.dirname(sourced.path) if sourced.origin == "makefile" else ""


def used_files(install) -> list[str]:
    """The files an install command reads its pins from."""
    files = [*install.requirement_files, *install.constraint_files]
    if install.tool == "uv" and install.action in ("sync", "run", "export"):
        files.append("uv.lock")
    elif install.tool == "poetry" and install.action in ("install", "sync"):
        files.append("poetry.lock")
    elif install.tool == "pipenv" and install.action in ("install", "sync"):
        files.append("Pipfile.lock")
    return [f for f in files if f and "$" not in f and "://" not in f and f != "-"]


def repo_path(project, ref: str, base: str, in_container: bool) -> str | None:
    """The repository file a path in a command refers to; container paths are matched by their tail."""
    parts = [p for p in posixpath.normpath(ref.replace("\\", "/")).split("/") if p not in ("", ".")]
    if not parts or (".." in parts and in_container):
        return None
    tails = [parts[i:] for i in range(len(parts))] if in_container or ref.startswith("/") else [parts]
    for tail in tails:
        rel = posixpath.normpath(posixpath.join(base, *tail)) if base else posixpath.join(*tail)
        if rel.startswith(".."):
            continue
        if project.exists(rel) or os.path.isfile(project.root / rel):
            return rel
    return None


def commit_problem(project, git_facts, rel: str, locks) -> str | None:
    if not project.in_git or project.is_tracked(rel):
        return None
    if not (rel in locks or lock_kind_by_name(rel) or filekinds.is_requirements(rel)):
        return None
    if git_facts.is_ignored(rel) or not project.exists(rel):
        return "git-ignored"
    return "untracked"


class LockBypassed(Rule):
    """
    ## What it does
    Reports an install in a Dockerfile `RUN`, a CI step or a Makefile recipe that resolves dependencies afresh
    although a lock exists: `pip install -r requirements.in` (the input, not its lock), `pip install .` or
    `pip install -e .` without `--no-deps` or `-c <lock>` (and not together with `-r <lock>`), `uv sync` without
    `--locked`/`--frozen`, `pipenv install` without `--deploy`/`--ignore-pipfile`, `conda env create -f
    environment.yml` when a conda lock exists, and commands that rewrite the lock in CI or a Docker build
    (`poetry lock`/`update`/`add`, `uv lock`/`add`/`remove`, `pipenv lock`/`update`). `pip install .` is judged
    against the lock of the project it installs: one in the folder of the Dockerfile or Makefile that runs it, or
    in a folder above (a CI step runs at the root); a sibling sub-project's lock is not its own.

    ## Why it matters
    The lock is only worth anything if installs use it. Each of these lets the resolver pick today's versions,
    so the CI run or the image differs from the locked environment, and from every earlier build.

    ## Example
    ```dockerfile
    COPY requirements.txt .
    RUN pip install -r requirements.txt && pip install -e .
    ```

    ## Fix
    Install from the lock and the project without dependencies: `pip install -r requirements.txt && pip install
    --no-deps -e .`, `uv sync --locked`, `pipenv install --deploy`, `conda-lock install`.
    """

    code = "LCK006"
    name = "lock-bypassed"
    severity = Severity.WARNING
    summary = "An install that bypasses an existing lock"

    def check(self, project, shell_commands, locks, lock_inputs, conda_environments):
        python_locks = [lock for lock in locks.values() if lock.kind in PYTHON_LOCKS]
        if not locks:
            return
        for sourced in shell_commands:
            if sourced.origin not in INSTALL_ORIGINS:
                continue
            install = parse_install(sourced.command)
            if install is None:
                continue
            for message in bypasses(project, sourced, install, locks, python_locks, lock_inputs):
                yield self.finding(message, sourced.path, sourced.line)


def bypasses(project, sourced, install, locks, python_locks, lock_inputs) -> list[str]:
    flags = install.flags
    found: list[str] = []
    if install.tool == "pip" and install.action == "install":
        lock_files = []
        for ref in install.requirement_files:
            rel = repo_path(project, ref, default_base(sourced), sourced.origin == "dockerfile")
            if rel is not None and rel in locks:
                lock_files.append(rel)
            elif rel is not None and rel in lock_inputs and (rel.endswith(".in") or rel == "pyproject.toml"):
                target = lock_inputs[rel][0]
                found.append(
                    f"pip install -r {ref} installs the unpinned input of {target}; install the lock instead "
                    f"(pip install -r {target})"
                )
        projects = [p for p in [*install.local_paths, *install.editables] if is_project_dir(p)]
        pinned = install.constraint_files or lock_files or "--no-deps" in flags
        lock = closest_lock(python_locks, sourced) if projects and python_locks and not pinned else None
        if lock is not None:
            found.append(
                f"pip install {projects[0]} resolves the project's dependencies afresh, bypassing {lock}; "
                f"install the lock first and add --no-deps (or -c {lock})"
            )
    elif install.tool == "uv" and install.action == "sync" and "uv.lock" in {posixpath.basename(p) for p in locks}:
        if not ({"--locked", "--frozen"} & flags):
            found.append(
                "uv sync without --locked or --frozen may re-lock instead of installing uv.lock; use uv sync --locked"
            )
    elif install.tool == "pipenv" and install.action == "install" and not install.packages:
        if any(lock.kind == "pipenv" for lock in locks.values()) and not ({"--deploy", "--ignore-pipfile"} & flags):
            found.append(
                "pipenv install without --deploy may re-lock Pipfile.lock; use pipenv install --deploy (or pipenv sync)"
            )
    elif install.tool == "conda" and install.action in ("env create", "env update", "create", "install", "update"):
        for ref in install.options.get("--file", []):
            rel = repo_path(project, ref, default_base(sourced), sourced.origin == "dockerfile")
            conda_locks = [p for p in lock_inputs.get(rel, ()) if locks[p].kind in ("conda-lock", "conda-explicit")]
            if rel is not None and is_environment_file(project, rel) and conda_locks:
                found.append(
                    f"conda {install.action} -f {ref} re-solves the environment instead of installing "
                    f"{conda_locks[0]}; use conda-lock install {conda_locks[0]}"
                )
    key = (install.tool, install.action)
    if key in RELOCKING and sourced.origin in ("ci", "dockerfile") and not (set(RELOCKING[key][0]) & flags):
        where = "a Docker build" if sourced.origin == "dockerfile" else "CI"
        found.append(
            f"{install.tool} {install.action} in {where} rewrites the lock instead of installing it; "
            f"commit the lock and install it ({RELOCKING[key][1]})"
        )
    return found


def is_project_dir(path: str) -> bool:
    """A local project directory (not a wheel or sdist file): `.`, `./`, `.[dev]`, `/app`, `../lib`."""
    bare = re.sub(r"\[[^\]]*\]$", "", path.strip().strip("'\""))
    if bare.startswith("file:"):
        bare = re.sub(r"^file:(//)?", "", bare)
    return bool(bare) and not bare.lower().endswith((".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2"))


def closest_lock(python_locks, sourced) -> str | None:
    """The lock of the project a command installs: one in the folder of the Dockerfile or Makefile that runs it, or
    in a folder above (a CI step runs at the root), the closest first, the one made from a `pyproject.toml` before
    others in one folder. A lock of a sibling sub-project (`notebooks/mnist-vae/poetry.lock` for
    `serving/predictor/Dockerfile`) is not that project's: None."""
    folder = posixpath.dirname(sourced.path) if sourced.origin in ("dockerfile", "makefile") else ""
    best = None
    for lock in python_locks:
        home = posixpath.dirname(lock.path)
        if home and folder != home and not folder.startswith(home + "/"):
            continue
        rank = (home.count("/") + bool(home), "pyproject.toml" in lock.inputs)
        if best is None or rank > best[0]:
            best = (rank, lock.path)
    return best[1] if best is not None else None


class MachineLocalLock(Rule):
    """
    ## What it does
    Reports a lock that refers to this machine's file system: `--find-links /abs/path`, `--index-url` or
    `--extra-index-url file://…`, `-e /abs/path`, `pkg @ file:///…` or an absolute path in a pip-compile lock,
    and absolute `path`/`directory`/`editable` sources in `uv.lock`, `poetry.lock`, `pdm.lock`,
    `Pipfile.lock` or `pylock.toml`. Relative paths inside the repository (`-e .`, `file:./vendor/x`) are fine.

    ## Why it matters
    Nobody else has `/home/alice/wheels`: installing the lock fails on every other machine, in CI and in Docker,
    or worse, finds a different file at the same path.

    ## Example
    ```text
    --find-links /home/alice/wheels
    mylib @ file:///home/alice/src/mylib
    ```

    ## Fix
    Publish the package to an index, vendor it in the repository and refer to it by a relative path, or compile
    with `--no-emit-find-links`; then re-lock.
    """

    code = "LCK007"
    name = "machine-local-lock"
    severity = Severity.ERROR
    summary = "A lock that embeds machine-local paths or file:// sources"

    def check(self, locks):
        for path, lock in locks.items():
            parsed = lock.requirements
            if parsed is not None:
                for option in parsed.options:
                    if option.name in ("--find-links", "--index-url", "--extra-index-url") and is_machine_local(
                        option.value
                    ):
                        message = f"{path} has {option.name} {option.value}, a path on one machine; {LOCAL_ADVICE}"
                        yield self.finding(message, path, option.line, option.column)
                for entry in parsed.requirements:
                    location = entry.local_path
                    if location and is_machine_local(location):
                        label = entry.raw_name or location
                        message = f"{path} installs {label} from {location}, a path on one machine; {LOCAL_ADVICE}"
                        yield self.finding(message, path, entry.line, entry.column)
                continue
            for package in lock.packages:
                if package.source in ("path", "directory", "editable", "file") and is_machine_local(
                    package.location or ""
                ):
                    message = (
                        f"{path} locks {package.name} from {package.location}, a path on one machine; {LOCAL_ADVICE}"
                    )
                    yield self.finding(message, path, package.line)


LOCAL_ADVICE = "use an index or a path inside the repository and re-lock"


def is_machine_local(value: str) -> bool:
    value = value.strip()
    if value.startswith("file:"):
        rest = re.sub(r"^file:(//)?(localhost)?", "", value)
        return rest.startswith("/") or bool(re.match(r"^/?[A-Za-z]:[\\/]", rest))
    return value.startswith(("/", "~", "$HOME", "${HOME}", "%USERPROFILE%")) or bool(
        re.match(r"^[A-Za-z]:[\\/]", value)
    )


def dependency_count(count: int) -> str:
    return "1 dependency" if count == 1 else f"{count} dependencies"
