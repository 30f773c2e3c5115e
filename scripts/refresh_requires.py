"""Refresh the table of what installing a distribution brings (`checker/reprocheck/tables/requires_dist.json`).

DEP004 must tell an import that no declaration provides from one that arrives with a declared distribution
(`requests` with `jupyterlab`, `thinc` with `spacy`, `optax` with `flax`): the first is a broken install, the
second at most a note. The checker never uses the network, so what each distribution requires is read here, once,
from PyPI's JSON API (the `Requires-Dist` of its latest release) and committed as data.

    python scripts/refresh_requires.py            # rewrite the table
    python scripts/refresh_requires.py --check    # exit 1 if the seeds' table would change, write nothing

Seeds: the distributions that `scripts/requires_seeds.txt` lists (those ML repositories declare) and every one the
checker's own tables name; then, breadth first, what they require, up to `--limit` distributions. A requirement
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
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

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


def requirements(name: str) -> dict | None:
    """The latest release of `name` and what it always requires on the judged environment (name -> version
    specifier, "" for any), and the requirements of its reference release (`--since`); None when PyPI has no such
    project."""
    try:
        with urllib.request.urlopen(URL.format(name=name), timeout=60) as response:
            info = json.load(response)["info"]
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise
    # PyPI gives no requirements (null) for a release uploaded without metadata (an sdist only): unknown, not none
    listed = info.get("requires_dist")
    entry = {"version": info["version"], "requires": None if listed is None else judged(name, listed)}
    reference = reference_release(name)
    if reference is not None:
        entry["since"] = reference
    return entry


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
        metadata = wheel_metadata(chosen["url"])
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None
    if metadata is None:
        return None
    return {
        "version": metadata.get("Version", ""),
        "uploaded": chosen["upload-time"][:10],
        "requires": judged(name, metadata.get_all("Requires-Dist") or ()),
    }


def wheel_fits(filename: str) -> bool:
    """A wheel the judged environment could install: pure Python, or built for Linux x86_64 (any CPython)."""
    tags = filename[:-4].split("-")[-1]
    return tags == "any" or ("manylinux" in tags and "x86_64" in tags) or "linux_x86_64" in tags


def wheel_metadata(url: str):
    with zipfile.ZipFile(RangeFile(url)) as wheel:
        member = next((n for n in wheel.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1), None)
        if member is None:
            return None
        return email.parser.Parser().parsestr(wheel.read(member).decode("utf-8", "replace"), headersonly=True)


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
    args = parser.parse_args()
    table = crawl(seeds(), args.limit)
    if args.check:
        current = json.loads(TABLE.read_text())["requires"] if TABLE.exists() else {}
        changed = sorted(n for n in set(table) | set(current) if table.get(n) != current.get(n))
        print(f"{len(changed)} distributions changed" + (f": {', '.join(changed[:20])}" if changed else ""))
        return 1 if changed else 0
    document = {
        "about": "The latest release of each distribution and what it requires (name -> version specifier; Linux, "
        "CPython 3.11, no extras), and under `since` the same for its newest wheel uploaded before "
        f"{SINCE} (else its oldest), from PyPI; written by scripts/refresh_requires.py, read by DEP004.",
        "generated": datetime.date.today().isoformat(),
        "requires": table,
    }
    TABLE.write_text(dumped(document))
    print(f"{len(table)} distributions written to {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
