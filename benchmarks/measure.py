"""Run one command and print its wall seconds and peak memory as JSON: `python benchmarks/measure.py CMD...`.

A fresh, small process waits for the command, so the peak (the largest resident set of the command and of every
process it waited for, forked helpers included) is the command's own: measured from the benchmark process, the
kernel's figure also carried the memory of earlier, larger children.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    start = time.perf_counter()
    done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024, "code": done.returncode}))


if __name__ == "__main__":
    main()
