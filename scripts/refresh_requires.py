"""Refresh the table of what installing a distribution brings (`checker/reprocheck/tables/requires_dist.json`).

DEP004 must tell an import that no declaration provides from one that arrives with a declared distribution
(`requests` with `jupyterlab`, `thinc` with `spacy`, `optax` with `flax`): the first is a broken install, the
second at most a note. The checker never uses the network, so what each distribution requires is read here, once,
from PyPI's JSON API (the `Requires-Dist` of its latest release) and committed as data.

    python scripts/refresh_requires.py            # rewrite the table
    python scripts/refresh_requires.py --check    # exit 1 if the seeds' table would change, write nothing

Seeds: the distributions that `scripts/requires_seeds.txt` lists (those ML repositories declare: `--add-seeds
FOLDER...` adds what the checkouts in those folders declare) and every one the checker's own tables name; then,
breadth first, what they require, up to `--limit` distributions. A release uploaded without metadata (an sdist only,
whose requirements PyPI does not list) is read from its sdist's `*.egg-info/requires.txt`, when it has one.

Each entry also keeps the modules the distribution installs (`modules`: the top-level import names of its wheel, or
of an sdist's `top_level.txt`; for a namespace package, the parts below it: `snowflake.connector`), so that DEP004
knows that `fluent-logger` provides `from fluent import sender` and `neptune-client` provides `neptune`. A requirement
counts when it holds on Linux with CPython 3.11 and no extra (`torch` brings `sympy`; `jax[cuda]` does not bring
`jax-cuda12-plugin`). Each entry keeps the release's version and each requirement's specifier: what a latest release
requires says nothing of a project pinned to an old one, nor of a requirement pinned below the table's release of
it. Standard library and `packaging` only; never run by the test suite.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import email.parser
import io
import json
import re
import sys
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "checker" / "reprocheck" / "tables" / "requires_dist.json"
SEEDS = Path(__file__).with_name("requires_seeds.txt")
URL = "https://pypi.org/pypi/{name}/json"
SIMPLE_URL = "https://pypi.org/simple/{name}/"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
# The reference release: the newest wheel uploaded before this date. What both it and the latest release require
# has been required all along in between: a project pinned to a release of those years gets that.
SINCE = "2021-01-01"
# The environment a requirement's marker is judged in: what an ML project's CI and containers run.
ENVIRONMENT = {
    "python_version": "3.11",
    "python_full_version": "3.11.9",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "extra": "",
}


def seeds() -> list[str]:
    sys.path.insert(0, str(ROOT / "checker"))
    from reprocheck.tables import dependency_names, import_names

    names = {line.strip() for line in SEEDS.read_text().splitlines() if line.strip() and not line.startswith("#")}
    names.update(dependency_names.BRINGS)
    names.update(n for brought in dependency_names.BRINGS.values() for n in brought)
    names.update(dependency_names.COMPANIONS)
    names.update(n for providers in import_names.IMPORT_TO_DISTRIBUTIONS.values() for n in providers)
    return sorted(canonicalize_name(n) for n in names)


# Declarations that name no PyPI distribution of their own to seed with: a conda package (conda-forge's builds
# carry other requirements, and many have no PyPI namesake) and a lock's transitive pins (reached by the crawl).
SEEDLESS_ORIGINS = frozenset({"conda", "lock"})


def declared_in(folders: list[Path]) -> set[str]:
    """The distributions that the checkouts (`<owner>+<name>` folders) in `folders` declare (facts/declarations.py),
    but a PyPI namesake of another project (`apex`, `clip`) and a placeholder name (`sklearn`)."""
    sys.path.insert(0, str(ROOT / "checker"))
    from reprocheck.config import Settings
    from reprocheck.engine import shared_facts
    from reprocheck.project import Project
    from reprocheck.tables import dependency_names, import_names

    names: set[str] = set()
    for folder in folders:
        for checkout in sorted(path for path in folder.iterdir() if path.is_dir()):
            store = shared_facts(Project.discover(checkout, Settings()))
            declared = store.call(lambda declared_distributions: declared_distributions)
            names.update(name for name, items in declared.items() if {d.origin for d in items} - SEEDLESS_ORIGINS)
    namesakes = {canonicalize_name(n) for n in import_names.MISLEADING_NAMESAKES}
    return names - namesakes - {canonicalize_name(n) for n in dependency_names.RENAMES}


def add_seeds(folders: list[Path]) -> int:
    lines = SEEDS.read_text().splitlines()
    listed = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    head = [line for line in lines if line.startswith("#")]
    names = sorted(listed | declared_in(folders))
    SEEDS.write_text("\n".join([*head, *names]) + "\n")
    return len(names) - len(listed)


def requirements(name: str) -> dict | None:
    """The latest release of `name` and what it always requires on the judged environment (name -> version
    specifier, "" for any), and the requirements of its reference release (`--since`); None when PyPI has no such
    project."""
    try:
        with urllib.request.urlopen(URL.format(name=name), timeout=60) as response:
            document = json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise
    info, files = document["info"], document.get("urls") or []
    for item in files:
        item["url"] = urllib.parse.urljoin(URL.format(name=name), item["url"])
    metadata, modules = latest_wheel(files)
    # PyPI gives no requirements (null) both for a release that requires nothing and for one uploaded without
    # metadata (an sdist only): a wheel's METADATA tells them apart, else the sdist's egg-info may list them, else
    # they are unknown, not none
    listed = info.get("requires_dist")
    if listed is None and metadata is not None:
        listed = metadata.get_all("Requires-Dist") or []
    sdist = None if listed is not None and modules else sdist_metadata(files)
    if listed is None and sdist is not None and sdist["requires"] is not None:
        listed = sdist["requires"]
    entry = {"version": info["version"], "requires": None if listed is None else judged(name, listed)}
    reference = reference_release(name)
    if reference is not None and newer(reference["version"], info["version"]):
        reference = None  # a pre-release after the latest release (`12.0.0b4` after 2.1.0): no reference
    if reference is not None:
        entry["since"] = reference
    modules = modules or (sdist or {}).get("modules") or (reference or {}).get("modules")
    if reference is not None:
        reference.pop("modules", None)
    if modules:
        entry["modules"] = modules
    return entry


def newer(version: str, than: str) -> bool:
    try:
        return Version(version) > Version(than)
    except InvalidVersion:
        return False


def latest_wheel(files: list[dict]):
    """The METADATA of a wheel of the latest release and the import names it installs (None, None without a wheel
    the environment fits)."""
    wheels = [f for f in files if f["filename"].endswith(".whl") and wheel_fits(f["filename"])]
    if not wheels:
        return None, None
    try:
        return wheel_metadata(wheels[0]["url"])
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None, None


IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
EXTENSION = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\.[\w-]+)?\.(?:so|pyd)")
# How deep a namespace package (a folder without `__init__.py`: `google/cloud/`) is followed to its parts.
NAMESPACE_DEPTH = 3


def installed_modules(paths: list[str]) -> list[str]:
    """The import names a wheel's files install: each top-level package and module, and for a namespace package
    (a folder of folders only: `snowflake/connector/...` installs `snowflake.connector`) the parts below it.
    Private names (`_upb`) are left out: nothing imports them by name."""
    files = [p for p in paths if not p.endswith("/")]
    tree = [p.split("/") for p in files if not p.split("/")[0].endswith((".dist-info", ".data"))]
    return sorted(modules_below(tree, ""))


def modules_below(tree: list[list[str]], prefix: str, depth: int = 1) -> set[str]:
    found: set[str] = set()
    folders: dict[str, list[list[str]]] = {}
    for parts in tree:
        if parts[0].startswith("_"):
            continue
        if len(parts) == 1:
            module = module_name(parts[0])
            if module:
                found.add(prefix + module)
        elif IDENTIFIER.fullmatch(parts[0]):
            folders.setdefault(parts[0], []).append(parts[1:])
    for folder, below in folders.items():
        # a package: one with an `__init__.py`, or any module of its own (an implicit namespace used as a package)
        regular = any(len(p) == 1 and module_name(p[0]) for p in below)
        if regular or depth >= NAMESPACE_DEPTH:
            found.add(prefix + folder)
        else:
            found |= modules_below(below, f"{prefix}{folder}.", depth + 1) or {prefix + folder}
    return found


def module_name(filename: str) -> str | None:
    if filename.endswith(".py") and IDENTIFIER.fullmatch(filename[:-3]):
        return filename[:-3]
    match = EXTENSION.fullmatch(filename)
    return match.group(1) if match else None


# An sdist is downloaded whole: only one this small is read.
SDIST_LIMIT = 20_000_000


def sdist_metadata(files: list[dict]) -> dict | None:
    """What the egg-info of the latest release's sdist says: `requires` (the lines of `requires.txt` that hold with
    no extra, as requirement strings; None without the file) and `modules` (its `top_level.txt`)."""
    sdists = [f for f in files if f.get("packagetype") == "sdist" and (f.get("size") or 0) <= SDIST_LIMIT]
    if not sdists:
        return None
    try:
        with urllib.request.urlopen(sdists[0]["url"], timeout=120) as response:
            data = response.read()
        members = sdist_members(sdists[0]["filename"], data)
    except (OSError, tarfile.TarError, zipfile.BadZipFile, ValueError):
        return None
    requires = next((text for path, text in members.items() if path.endswith(".egg-info/requires.txt")), None)
    top_level = next((text for path, text in members.items() if path.endswith(".egg-info/top_level.txt")), "")
    modules = sorted({line.strip() for line in top_level.splitlines() if IDENTIFIER.fullmatch(line.strip())})
    return {"requires": None if requires is None else egg_requirements(requires), "modules": modules}


def sdist_members(filename: str, data: bytes) -> dict[str, str]:
    """The egg-info files of an sdist (`*.egg-info/requires.txt`, `top_level.txt`) one folder below its root."""
    wanted = (".egg-info/requires.txt", ".egg-info/top_level.txt")
    found: dict[str, str] = {}
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                if member.endswith(wanted) and member.count("/") == 2:
                    found[member] = archive.read(member).decode("utf-8", "replace")
        return found
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.endswith(wanted) and member.name.count("/") == 2:
                handle = archive.extractfile(member)
                if handle is not None:
                    found[member.name] = handle.read().decode("utf-8", "replace")
    return found


def egg_requirements(text: str) -> list[str]:
    """The requirements of a `requires.txt`: those before any section, and those of a marker-only section
    (`[:python_version < "3.8"]`) with that marker; an extra's section (`[dev]`) is left out."""
    found: list[str] = []
    marker: str | None = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            marker = section[1:] if section.startswith(":") else None
            continue
        if marker is None:
            continue
        found.append(f"{line}; {marker}" if marker else line)
    return found


def judged(name: str, lines) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        try:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate(ENVIRONMENT):
                continue
        except (InvalidRequirement, InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
            continue
        required = canonicalize_name(requirement.name)
        if required != name:  # a specifier repeated under other markers narrows nothing we can judge: keep one
            found.setdefault(required, str(requirement.specifier))
    return dict(sorted(found.items()))


def reference_release(name: str) -> dict | None:
    """The version and requirements of the newest wheel uploaded before SINCE (else the oldest wheel): what an old
    pin installs. Its METADATA is read from the wheel's zip directory with HTTP range requests (PyPI's per-version
    JSON is not always reachable, and old files carry no separate metadata file); None without a wheel."""
    request = urllib.request.Request(SIMPLE_URL.format(name=name), headers={"Accept": SIMPLE_JSON})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            files = json.load(response)["files"]
    except (urllib.error.URLError, OSError, ValueError, KeyError):
        return None
    wheels = [f for f in files if f["filename"].endswith(".whl") and not f.get("yanked") and f.get("upload-time")]
    wheels = [f for f in wheels if wheel_fits(f["filename"])]
    if not wheels:
        return None
    wheels.sort(key=lambda f: f["upload-time"])
    before = [f for f in wheels if f["upload-time"] < SINCE]
    chosen = before[-1] if before else wheels[0]
    try:
        metadata, modules = wheel_metadata(urllib.parse.urljoin(SIMPLE_URL.format(name=name), chosen["url"]))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None
    if metadata is None:
        return None
    found = {
        "version": metadata.get("Version", ""),
        "uploaded": chosen["upload-time"][:10],
        "requires": judged(name, metadata.get_all("Requires-Dist") or ()),
    }
    if modules:
        found["modules"] = modules  # what the latest release installs, when it has no wheel (taken off by the caller)
    return found


def wheel_fits(filename: str) -> bool:
    """A wheel the judged environment could install: pure Python, or built for Linux x86_64 (any CPython)."""
    tags = filename[:-4].split("-")[-1]
    return tags == "any" or ("manylinux" in tags and "x86_64" in tags) or "linux_x86_64" in tags


def wheel_metadata(url: str):
    """A wheel's METADATA (None without one) and the modules it installs."""
    with zipfile.ZipFile(RangeFile(url)) as wheel:
        names = wheel.namelist()
        member = next((n for n in names if n.endswith(".dist-info/METADATA") and n.count("/") == 1), None)
        if member is None:
            return None, None
        text = wheel.read(member).decode("utf-8", "replace")
        return email.parser.Parser().parsestr(text, headersonly=True), installed_modules(names)


class RangeFile(io.RawIOBase):
    """A remote file read through HTTP range requests: zipfile reads the directory at its end and one member."""

    def __init__(self, url: str):
        self.url = url
        self.position = 0
        request = urllib.request.Request(url, method="HEAD")
        with urllib.request.urlopen(request, timeout=60) as response:
            self.size = int(response.headers["Content-Length"])

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        if end <= self.position:
            return b""
        request = urllib.request.Request(self.url, headers={"Range": f"bytes={self.position}-{end - 1}"})
        with urllib.request.urlopen(request, timeout=120) as response:
            data = response.read()
        self.position += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def crawl(start: list[str], limit: int) -> dict[str, dict]:
    table: dict[str, dict] = {}
    seen = set(start)
    todo = list(start)
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        while todo and len(table) < limit:
            batch, todo = todo[: limit - len(table)], todo[limit - len(table) :]
            for name, required in zip(batch, pool.map(requirements, batch), strict=True):
                if required is None:
                    continue
                table[name] = required
                for item in required["requires"] or ():
                    if item not in seen:
                        seen.add(item)
                        todo.append(item)
    return {name: table[name] for name in sorted(table)}


def dumped(document: dict) -> str:
    """JSON with one distribution per line: a refresh reads as a diff of the distributions that changed."""
    head = {key: value for key, value in document.items() if key != "requires"}
    lines = [f"{json.dumps(name)}: {json.dumps(entry)}" for name, entry in document["requires"].items()]
    opening = json.dumps(head, indent=1)[:-2]
    return opening + ',\n"requires": {\n' + ",\n".join(lines) + "\n}\n}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is out of date; write nothing")
    parser.add_argument("--limit", type=int, default=4000, help="at most this many distributions")
    parser.add_argument(
        "--add-seeds",
        nargs="+",
        type=Path,
        metavar="FOLDER",
        help="add what the checkouts in these folders declare to the seeds file, then refresh",
    )
    args = parser.parse_args()
    if args.add_seeds:
        print(f"{add_seeds(args.add_seeds)} seeds added to {SEEDS.relative_to(ROOT)}")
    table = crawl(seeds(), args.limit)
    if args.check:
        current = json.loads(TABLE.read_text())["requires"] if TABLE.exists() else {}
        changed = sorted(n for n in set(table) | set(current) if table.get(n) != current.get(n))
        print(f"{len(changed)} distributions changed" + (f": {', '.join(changed[:20])}" if changed else ""))
        return 1 if changed else 0
    document = {
        "about": "The latest release of each distribution and what it requires (name -> version specifier; Linux, "
        "CPython 3.11, no extras), and under `since` the same for its newest wheel uploaded before "
        f"{SINCE} (else its oldest); under `modules` the import names it installs; from PyPI; written by "
        "scripts/refresh_requires.py, read by DEP004.",
        "generated": datetime.date.today().isoformat(),
        "requires": table,
    }
    TABLE.write_text(dumped(document))
    print(f"{len(table)} distributions written to {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
