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
`jax-cuda12-plugin`). Standard library and `packaging` only; never run by the test suite.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "checker" / "reprocheck" / "tables" / "requires_dist.json"
SEEDS = Path(__file__).with_name("requires_seeds.txt")
URL = "https://pypi.org/pypi/{name}/json"
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


def requirements(name: str) -> list[str] | None:
    """What the latest release of `name` always requires on the judged environment; None when PyPI has no such
    project."""
    try:
        with urllib.request.urlopen(URL.format(name=name), timeout=30) as response:
            info = json.load(response)["info"]
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise
    found: set[str] = set()
    for line in info.get("requires_dist") or ():
        try:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate(ENVIRONMENT):
                continue
        except (InvalidRequirement, InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
            continue
        found.add(canonicalize_name(requirement.name))
    found.discard(name)
    return sorted(found)


def crawl(start: list[str], limit: int) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    seen = set(start)
    todo = list(start)
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        while todo and len(table) < limit:
            batch, todo = todo[: limit - len(table)], todo[limit - len(table) :]
            for name, required in zip(batch, pool.map(requirements, batch), strict=True):
                if required is None:
                    continue
                table[name] = required
                for item in required:
                    if item not in seen:
                        seen.add(item)
                        todo.append(item)
    return {name: table[name] for name in sorted(table)}


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
        "about": "What the latest release of each distribution requires (Linux, CPython 3.11, no extras), from "
        "PyPI's JSON API; written by scripts/refresh_requires.py, read by DEP004.",
        "generated": datetime.date.today().isoformat(),
        "requires": table,
    }
    TABLE.write_text(json.dumps(document, indent=0, sort_keys=False) + "\n")
    print(f"{len(table)} distributions written to {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
