"""The benchmark's memory figures: the process tree's peak counts a forked helper's memory too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MEASURE = Path(__file__).resolve().parents[1] / "benchmarks" / "measure.py"

# A 40 MB block shared by parent and child, then 40 MB of each one's own: each resident set holds 80 MB, the tree
# about 120 MB (the shared block counted once).
FORKING = """
import os, time
block = bytearray(40 * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
pid = os.fork()
mine = bytearray(40 * 1024 * 1024)
for i in range(0, len(mine), 4096):
    mine[i] = 1
time.sleep(0.5)
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
"""


def measure(*options: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(MEASURE), *options, sys.executable, "-c", FORKING],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc smaps_rollup")
def test_tree_peak_counts_the_forked_child_and_the_parent():
    figures = measure("--tree")
    assert figures["code"] == 0
    assert 80 <= figures["peak_mib"] < 110
    assert figures["tree_peak_mib"] >= 110  # more than the largest process


def test_without_tree_no_sampling():
    figures = measure()
    assert figures["code"] == 0
    assert "tree_peak_mib" not in figures
