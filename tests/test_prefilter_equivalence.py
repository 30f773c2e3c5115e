"""Pre-filters, the import line scan and the second process only skip or move work: on the benchmark trees a run
that parses every Python file (REPROCHECK_PARSE_ALL=1) and a run in one process (REPROCHECK_JOBS=1) report
exactly what a normal run reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import commit, generate

REPROCHECK = str(Path(sys.executable).parent / "reprocheck")


def run(root: Path, parse_all: bool, jobs: str = "2") -> list[dict]:
    env = {**os.environ, "REPROCHECK_PARSE_ALL": "1" if parse_all else "0", "REPROCHECK_JOBS": jobs}
    done = subprocess.run(
        [REPROCHECK, "--select", "ALL", "--no-cache", "--output-format", "json", "."],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["findings"]


@pytest.mark.parametrize("seed", [0, 1])
def test_parse_everything_reports_the_same(tmp_path, seed):
    generate(tmp_path, 1000, seed=seed)
    commit(tmp_path)
    normal = run(tmp_path, parse_all=False)
    assert normal, "the synthetic tree has planted problems"
    assert run(tmp_path, parse_all=True) == normal
    assert run(tmp_path, parse_all=False, jobs="1") == normal
