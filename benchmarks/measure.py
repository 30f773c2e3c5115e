"""Run one command and print its wall seconds and peak memory as JSON: `python benchmarks/measure.py [--tree] CMD...`.

A fresh, small process waits for the command, so the peak (the largest resident set of the command and of every
process it waited for, forked helpers included) is the command's own: measured from the benchmark process, the
kernel's figure also carried the memory of earlier, larger children.

The largest resident set of one process understates what a run that forks needs: both processes hold their
memory at once, and the pages they share count in both resident sets. With `--tree` (Linux only) the memory of
the whole process tree is also sampled every few milliseconds as the sum of each process's proportional set size
(a shared page counts once, split between its sharers), and its peak printed as `tree_peak_mib` (null where
/proc cannot tell). Sampling takes some CPU from the run, so timed runs leave it off.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import time

SAMPLE_SECONDS = 0.01


def main() -> None:
    argv = sys.argv[1:]
    sample = bool(argv) and argv[0] == "--tree"
    if sample:
        argv = argv[1:]
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree_peak = None
    if sample:
        while process.poll() is None:
            now = tree_pss_kib(process.pid)
            if now is not None:
                tree_peak = max(tree_peak or 0, now)
            time.sleep(SAMPLE_SECONDS)
    code = process.wait()
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    figures = {"seconds": seconds, "peak_mib": peak_kib / 1024, "code": code}
    if sample:
        figures["tree_peak_mib"] = tree_peak / 1024 if tree_peak is not None else None
    print(json.dumps(figures))


def tree_pss_kib(root: int) -> int | None:
    """The summed proportional set size (KiB) of `root` and its descendants now; None without /proc."""
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            if pid == root:
                return None
            continue
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
    return total


if __name__ == "__main__":
    main()
