"""Time each rule of one run (facts are charged to the first rule that asks for them), in one process and, as
the `reprocheck` command runs, without the cyclic garbage collector.

python benchmarks/rule_times.py PATH [--select ALL]
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from reprocheck.facts import FactStore
from reprocheck.project import Project
from reprocheck.rule import load_rules
from reprocheck.runner import CheckOptions, settings_for
from reprocheck.selection import select_rules


def main() -> None:
    gc.disable()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--select", default="ALL")
    args = parser.parse_args()
    root = args.path.resolve()
    start = time.perf_counter()
    settings = settings_for(root, CheckOptions(select=[args.select]))
    rules = load_rules()
    selection = select_rules(settings, rules)
    project = Project.discover(root, settings, root=root)
    store = FactStore(project)
    print(f"setup and file list ({len(project.files)} files): {time.perf_counter() - start:.3f} s")
    times = []
    for code in sorted(selection.to_run):
        began = time.perf_counter()
        found = list(store.call(rules[code]().check) or ())
        times.append((time.perf_counter() - began, code, len(found)))
    for seconds, code, count in sorted(times, reverse=True):
        print(f"{code}  {seconds:7.3f} s  {count:5d} findings")
    print(f"total: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
